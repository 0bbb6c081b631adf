// Wraps a client before init() runs, with TRACEWIRE_DISABLED or TRACEWIRE_DISABLED_INTEGRATIONS set.
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import { wrapOpenAI } from 'tracewire';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const client = support.fakeClient(OpenAI);
const create = client.chat.completions.create;
const own = Object.prototype.hasOwnProperty.call(client.chat.completions, 'create');
wrapOpenAI(client);
support.report({
  untouched: client.chat.completions.create === create && Object.prototype.hasOwnProperty.call(client.chat.completions, 'create') === own,
});
