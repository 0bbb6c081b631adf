/**
 * `node --import tracewire/register app.mjs` or `node --require tracewire/register app.cjs`:
 * zero-code instrumentation configured from TRACEWIRE_* variables, with the module hooks in
 * place before the application loads anything.
 */
import { isMainThread, parentPort } from 'node:worker_threads';
import { initialize } from './client.js';

// Node also runs --require preloads inside its module-hooks thread (an internal worker, the
// only kind without a parentPort). The application does not run there: nothing to trace.
if (isMainThread || parentPort !== null) initialize({}, { hooksOnly: true });
