// Calls of about 120 kB each, recorded far faster than a collector that never answers can take
// them, with maxQueueBytes 8 MiB. Run with --expose-gc; reports how far the heap grew.
import { createServer } from 'node:http';
import { init, op } from 'tracewire';

const collector = createServer(() => {}); // takes requests, never answers
await new Promise((resolve) => collector.listen(0, '127.0.0.1', resolve));
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = `http://127.0.0.1:${collector.address().port}`;
const tw = init({ project: 'memory', exporters: ['otlp'], maxQueueBytes: 8 * 1024 * 1024 });
const echo = op(function echo(prompt) {
  return prompt;
});

global.gc();
const before = process.memoryUsage().heapUsed;
let growth = 0;
const prompt = 'p'.repeat(60_000);
for (let round = 0; round < 40; round++) {
  for (let i = 0; i < 200; i++) echo(`${prompt}${round}:${i}`);
  await new Promise((resolve) => setTimeout(resolve, 30));
  if (round % 10 === 9) {
    global.gc();
    growth = Math.max(growth, process.memoryUsage().heapUsed - before);
  }
}
console.log(`@@result ${JSON.stringify({ growthMB: growth / 1e6, stats: tw.stats() })}`);
process.exit(0);
