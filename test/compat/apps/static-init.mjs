// The app's tracing module, imported first by run-static.mjs: init() as soon as it is evaluated.
import * as tracewire from 'tracewire';

export const tw = tracewire.init({ project: 'compat', exporters: ['memory'] });
export { tracewire };
