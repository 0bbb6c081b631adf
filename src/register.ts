/**
 * `node --import tracewire/register app.mjs` or `node --require tracewire/register app.cjs`:
 * zero-code instrumentation configured from TRACEWIRE_* variables, with the module hooks in
 * place before the application loads anything.
 */
import { initialize } from './client.js';

initialize({}, { hooksOnly: true });
