// An app's tracing module, imported first by apps that then import their SDKs statically.
import { init } from 'tracewire';

export const tw = init({ project: 'loader', exporters: ['memory'] });
