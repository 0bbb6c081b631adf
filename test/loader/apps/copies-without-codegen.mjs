// Copies compiled per shape (serialize/shape-copy.ts) use new Function. In a process that
// forbids code generation from strings, every copy must still be made, key by key.
import { flush, init, op } from 'tracewire';

const recorded = [];
init({ exporters: [{ name: 'collect', export: (calls) => recorded.push(...calls) }], implicitlyPatchIntegrations: false });
const ask = op(function ask(request) {
  return { answer: request.messages.at(-1).content.toUpperCase(), usage: { tokens: request.messages.length } };
});
const codegen = (() => {
  try {
    return new Function('return true')();
  } catch {
    return false;
  }
})();
for (let i = 0; i < 6; i++) ask({ model: 'm', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: `question ${i}` }] });
await flush();
console.log(`@@result ${JSON.stringify({ codegen, recorded: recorded.map((c) => ({ inputs: c.inputs, output: c.output })) })}`);
