// A call waiting in the export queue keeps its snapshot, not the application's arguments:
// they can be collected before the batch is exported. Run with --expose-gc.
import { flush, init, op } from 'tracewire';

const recorded = [];
init({ exporters: [{ name: 'collect', export: (calls) => recorded.push(...calls) }], implicitlyPatchIntegrations: false });
const answer = op(function answer(request) {
  return request.question.length;
});
let request = { question: 'How long is this?', padding: 'x'.repeat(1_000_000) };
const released = new WeakRef(request);
answer(request);
request = undefined;
// Still inside the batch delay: the call is queued, not exported yet.
await new Promise((resolve) => setImmediate(resolve));
const queuedBeforeGc = recorded.length === 0;
globalThis.gc();
await new Promise((resolve) => setImmediate(resolve));
globalThis.gc();
const collected = released.deref() === undefined;
await flush();
console.log(`@@result ${JSON.stringify({ queuedBeforeGc, collected, recorded: recorded.map((c) => c.inputs.request.question) })}`);
