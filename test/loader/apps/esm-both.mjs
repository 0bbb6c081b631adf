// ESM app that loads both builds of the SDK: require('openai') through createRequire and
// import('openai'). ORDER=sdk-first loads both before init(); otherwise init() comes first.
import { init } from 'tracewire';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const support = require(process.env.TW_SUPPORT);
const sdkFirst = process.env.ORDER === 'sdk-first';
const load = async () => ({ cjs: require('openai'), esm: await import('openai') });

const early = sdkFirst ? await load() : undefined;
const tw = init({ project: 'loader', exporters: ['memory'] });
const { cjs, esm } = early ?? (await load());

await support.chat(support.fakeClient(cjs), 'cjs');
await support.chat(support.fakeClient(esm), 'esm');
const text = await support.chatStream(support.fakeClient(esm), 'esm-stream');
support.report({
  distinct: support.openaiClass(cjs) !== support.openaiClass(esm),
  patched: [support.isPatched(cjs), support.isPatched(esm)],
  text,
  calls: await tw.getCalls(),
});
