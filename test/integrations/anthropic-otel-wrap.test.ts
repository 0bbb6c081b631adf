/**
 * The self-tracing rule of anthropic-otel.test.ts for an explicitly wrapped client, in a process
 * where implicit patching never ran: only the wrapped client's requests are recorded, so only its
 * SDK spans give way to tracewire's; another client keeps them.
 */
import { expect, it } from 'vitest';
import { flush, init, wrapAnthropic } from '../../src/index.js';
import { anthropicClient, requestOf } from '../helpers/anthropic.js';
import { CollectingExporter } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';
import { useGlobalTracerProvider } from '../helpers/otel.js';

const server = useMswServer();
failOnUnhandledRejection();

const sdkSpans = useGlobalTracerProvider();

/** An exporter named `otlp` is what the rule looks for; this one only counts. */
const otlp = { name: 'otlp', spans: 0, export(calls: unknown[]) { this.spans += calls.length; } };

async function streamed(client: ReturnType<typeof anthropicClient>): Promise<string[]> {
  const fixture = loadFixture('anthropic/oi-messages-stream-helper.json');
  server.use(...fixtureHandlers(fixture));
  const { stream: _stream, ...body } = requestOf(fixture);
  sdkSpans.reset();
  await client.messages.stream(body).finalMessage();
  await flush();
  return sdkSpans.getFinishedSpans().map((s) => s.name);
}

it('wrapAnthropic without implicit patching: the wrapped client\'s span gives way, another client\'s stays', async () => {
  const collector = new CollectingExporter();
  init({ exporters: [collector, otlp], implicitlyPatchIntegrations: false });
  const wrapped = wrapAnthropic(anthropicClient());
  expect(await streamed(wrapped)).toEqual([]);
  expect(collector.calls.map((c) => c.opName)).toEqual(['anthropic.messages.create']);
  expect(otlp.spans).toBe(1);
  expect(await streamed(anthropicClient())).toEqual(['anthropic.messages.create']);
  expect(collector.calls).toHaveLength(1);
});
