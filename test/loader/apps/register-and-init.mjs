// An app started with `node --import tracewire/register` that also configures tracewire itself.
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import { init } from 'tracewire';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const tw = init({ project: 'own', exporters: ['memory'] });
const client = support.fakeClient(OpenAI);
await support.chat(client, 'register-and-init');
support.report({ patched: support.isPatched(OpenAI), recorded: (await tw.getCalls()).length });
