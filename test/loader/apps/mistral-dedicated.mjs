// Mistral 2.x "dedicated" telemetry (MISTRAL_SDK_TELEMETRY=dedicated): the SDK builds its own
// provider on the first request and exports to Mistral's backend, another pipeline than the
// app's. tracewire exports to OpenTelemetry (an exporter named `otlp`). The OTLP exporter the
// SDK loads is replaced by one that keeps span names, so nothing leaves the process.
import { register } from 'node:module';
import { createRequire } from 'node:module';

const fakeExporter = `export class OTLPTraceExporter {
  export(spans, done) { (globalThis.mistralBackend ??= []).push(...spans.map((s) => s.name)); done({ code: 0 }); }
  shutdown() { return Promise.resolve(); }
  forceFlush() { return Promise.resolve(); }
}`;
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === '@opentelemetry/exporter-trace-otlp-http') return { url: ${JSON.stringify(`data:text/javascript,${encodeURIComponent(fakeExporter)}`)}, shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
process.env.MISTRAL_SDK_TELEMETRY = 'dedicated';

const require = createRequire(import.meta.url);
const fakeMistral = require(`${process.env.TW_HELPERS}/fake-mistral.cjs`);
const support = require(process.env.TW_SUPPORT);

try {
  const { init } = await import('tracewire');
  const recorded = [];
  const tracewire = init({ exporters: [{ name: 'otlp', export: (calls) => void recorded.push(...calls.map((c) => c.opName)) }] });
  const mistral = await import('@mistralai/mistralai');
  const { flushTelemetry } = await import('@mistralai/mistralai/extra/observability');
  const client = fakeMistral.fakeClient(mistral);
  await client.chat.complete({ model: 'mistral-tiny', messages: [{ role: 'user', content: 'dedicated' }] });
  await flushTelemetry(client);
  await tracewire.flush();
  support.report({ mistralBackend: globalThis.mistralBackend ?? [], recorded });
} catch (error) {
  support.fail(error);
}
