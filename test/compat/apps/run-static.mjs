// ESM compat app, ORDER=init-module: the usual pattern, `import './tracing.mjs'` first and then the
// SDK as a static import (sdk.mjs, written by the matrix: `export * as sdk from '<TW_SDK>'`). Node
// links the whole graph before evaluating any of it, so init() runs with the SDK linked but not
// yet evaluated: neither loaded (for late patching) nor still to be loaded (for the hooks).
import { tracewire, tw } from './static-init.mjs';
import { sdk } from './sdk.mjs';
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)(process.env.TW_RUNNER);

main(async () => ({ tracewire, tw, sdk }));
