// ESM app: the SDK is imported at the top, init() runs in the body, no loader flag.
import OpenAI from 'openai';
import { init } from 'tracewire';
import { createRequire } from 'node:module';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const before = support.fakeClient(OpenAI);
const tw = init({ project: 'loader', exporters: ['memory'] });
const after = support.fakeClient(OpenAI);
await support.chat(before, 'before');
await support.chat(after, 'after');
const text = await support.chatStream(after, 'after-stream');
support.report({ patched: support.isPatched(OpenAI), text, calls: await tw.getCalls() });
