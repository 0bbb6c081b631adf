// Two runs of this app share one store: MODE=save adds a custom price and ends; MODE=use, a
// later process, records a call of that model and must be priced with it.
import { getCurrentCall, init, op } from 'tracewire';

const tracewire = init({ implicitlyPatchIntegrations: false });
if (process.env.MODE === 'save') {
  tracewire.addCost({ model: 'ft:acme-support', inputTokenCost: 0.000003, outputTokenCost: 0.000012, effectiveDate: '2024-01-01' });
} else {
  // An op standing in for an LLM call: it reports usage the way integrations do.
  const answer = op(async function answer() {
    getCurrentCall().addUsage('ft:acme-support', { requests: 1, inputTokens: 1000, outputTokens: 100 });
    return 'ok';
  }, { kind: 'llm' });
  await answer();
}
console.log(JSON.stringify({ ok: true }));
