// ESM compat app. ORDER=sdk-first: the SDK is imported before init(), as a static import at the
// top of a module would be; ORDER=init-first: init(), then import() (through the loader hook).
import * as tracewire from 'tracewire';
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)(process.env.TW_RUNNER);

main(async () => {
  const early = process.env.ORDER === 'sdk-first' ? await import(process.env.TW_SDK) : undefined;
  const tw = tracewire.init({ project: 'compat', exporters: ['memory'] });
  return { tracewire, tw, sdk: early ?? (await import(process.env.TW_SDK)) };
});
