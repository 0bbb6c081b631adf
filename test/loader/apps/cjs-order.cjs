'use strict';
// CommonJS app. ORDER=init-first: init() then require('openai').
// ORDER=require-first: require('openai') and a client built before init(), another after.
// ORDER=import-first: the same with `await import('openai')` (the SDK's ESM build) before init().
const support = require(process.env.TW_SUPPORT);
const tracewire = require('tracewire');

async function main() {
  let sdk;
  let before;
  const order = process.env.ORDER;
  if (order === 'require-first' || order === 'import-first') {
    sdk = order === 'require-first' ? require('openai') : await import('openai');
    before = support.fakeClient(sdk);
  }
  const tw = tracewire.init({ project: 'loader', exporters: ['memory'] });
  sdk = sdk || require('openai');
  const after = support.fakeClient(sdk);
  if (before) {
    await support.chat(before, 'before');
    await support.chatStream(before, 'before-stream');
  }
  await support.chat(after, 'after');
  const text = await support.chatStream(after, 'after-stream');
  support.report({ patched: support.isPatched(sdk), text, calls: await tw.getCalls() });
}

main().catch(support.fail);
