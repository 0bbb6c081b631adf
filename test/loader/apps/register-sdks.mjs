// An ESM app with no tracewire code, run with `node --import tracewire/register`: Mistral 2.x
// (ESM only) and cohere-ai (CommonJS, imported), clients built before any call.
import * as cohere from 'cohere-ai';
import * as mistral from '@mistralai/mistralai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fakeCohere = require(`${process.env.TW_HELPERS}/fake-cohere.cjs`);
const fakeMistral = require(`${process.env.TW_HELPERS}/fake-mistral.cjs`);
const support = require(process.env.TW_SUPPORT);

const cohereV2 = fakeCohere.fakeClient(cohere, { v2: true });
const mistralClient = fakeMistral.fakeClient(mistral);
const messages = [{ role: 'user', content: 'register-esm' }];

const chat = await cohereV2.chat({ model: 'command-r', messages });
const events = [];
for await (const event of await cohereV2.chatStream({ model: 'command-r', messages })) events.push(event);
const completion = await mistralClient.chat.complete({ model: 'mistral-tiny', messages });
const reader = (await mistralClient.chat.stream({ model: 'mistral-tiny', messages })).getReader();
let chunks = 0;
while (!(await reader.read()).done) chunks++;
// Whether tracing turned AsyncLocalStorage on (on Node 20 that slows every promise): SDK calls alone must not.
const contextOn = globalThis[Symbol.for('tracewire.context.v1')]?.enabled ?? false;
support.report({ cohere: chat.finishReason, cohereEvents: events.length, mistral: completion.choices[0].finishReason, chunks, contextOn });
