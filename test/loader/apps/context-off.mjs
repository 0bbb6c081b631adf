// An app that only calls an SDK, traced through wrapOpenAI: tracewire must leave
// AsyncLocalStorage (and with it Node 20's promise hooks) off. CONTEXT=op also runs one op().
import OpenAI from 'openai';
import { createRequire } from 'node:module';
import { flush, init, op, wrapOpenAI } from 'tracewire';

const support = createRequire(import.meta.url)(process.env.TW_SUPPORT);
const recorded = [];
init({ exporters: [{ name: 'collect', export: (calls) => recorded.push(...calls) }], implicitlyPatchIntegrations: false });
const client = wrapOpenAI(support.fakeClient(OpenAI));
await support.chat(client, 'context-off');
await support.chatStream(client, 'context-off-stream');
if (process.env.CONTEXT === 'op') await op(async function outer() {})();
await flush();
const storage = globalThis[Symbol.for('tracewire.context.v1')];
support.report({ enabled: storage?.enabled, recorded: recorded.map((call) => call.opName) });
