// An ESM app, no loader flag: cohere-ai and Mistral 2.x are imported and their clients built
// BEFORE init() (CohereClientV2 binds its methods per instance in its constructor).
import * as cohere from 'cohere-ai';
import * as mistral from '@mistralai/mistralai';
import { createRequire } from 'node:module';
import * as tracewire from 'tracewire';

const require = createRequire(import.meta.url);
const fakeCohere = require(`${process.env.TW_HELPERS}/fake-cohere.cjs`);
const fakeMistral = require(`${process.env.TW_HELPERS}/fake-mistral.cjs`);
const support = require(process.env.TW_SUPPORT);

const cohereV2 = fakeCohere.fakeClient(cohere, { v2: true });
const mistralClient = fakeMistral.fakeClient(mistral);
const tw = tracewire.init({ project: 'late', exporters: ['memory'] });
const messages = [{ role: 'user', content: 'init-late' }];

await cohereV2.chat({ model: 'command-r', messages });
const [a, b] = (await mistralClient.chat.stream({ model: 'mistral-tiny', messages })).tee();
for await (const _ of a);
const reader = b.getReader();
while (!(await reader.read()).done);
support.report({ calls: await tw.getCalls() });
