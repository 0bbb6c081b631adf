// ESM app: init() first, then `await import('openai')` (reached through the ESM loader hook).
import { init } from 'tracewire';
import { createRequire } from 'node:module';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const tw = init({ project: 'loader', exporters: ['memory'] });
const sdk = await import('openai');
const client = support.fakeClient(sdk);
await support.chat(client, 'after');
const text = await support.chatStream(client, 'after-stream');
support.report({ patched: support.isPatched(sdk), text, calls: await tw.getCalls() });
