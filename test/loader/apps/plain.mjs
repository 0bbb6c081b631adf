// An ESM app with no tracewire code: run with `node --import tracewire/register`.
// APP_FLUSH=1 additionally calls tracewire's flush() before ending.
import OpenAI from 'openai';
import { createRequire } from 'node:module';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const client = support.fakeClient(OpenAI);
const reply = await support.chat(client, 'plain-esm');
const text = await support.chatStream(client, 'plain-esm-stream');
if (process.env.APP_FLUSH === '1') await (await import('tracewire')).flush();
support.report({ patched: support.isPatched(OpenAI), reply, text });
