// A call handed to the otlp exporter is held as its serialized span while the request waits:
// the record itself can be collected. The collector here never answers. Run with --expose-gc.
import { createServer } from 'node:http';
import { init, op } from 'tracewire';

const unanswered = [];
const collector = createServer((request, response) => {
  request.resume();
  unanswered.push(response);
});
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${collector.address().port}`;

let record;
let handedOver = 0;
// Sees the same record objects the otlp exporter gets, and keeps only a weak reference.
const observer = { name: 'observer', export: (calls) => { record ??= new WeakRef(calls[0]); handedOver += calls.length; } };
init({ exporters: [observer, 'otlp'], implicitlyPatchIntegrations: false });
const answer = op(function answer(question) {
  return question.length;
});
answer('How long is this?');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
while (unanswered.length === 0) await sleep(5);
globalThis.gc();
await sleep(0);
globalThis.gc();
const result = { handedOver, requestWaiting: unanswered.length === 1, collected: record.deref() === undefined };
console.log(`@@result ${JSON.stringify(result)}`);
for (const response of unanswered) response.destroy();
collector.close();
process.exit(0);
