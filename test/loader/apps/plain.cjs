'use strict';
// A CommonJS app with no tracewire code: run with `node --require tracewire/register`.
const support = require(process.env.TW_SUPPORT);
const OpenAI = require('openai');

async function main() {
  const client = support.fakeClient(OpenAI);
  const reply = await support.chat(client, 'plain-cjs');
  const text = await support.chatStream(client, 'plain-cjs-stream');
  if (process.env.APP_FLUSH === '1') await require('tracewire').flush();
  support.report({ patched: support.isPatched(OpenAI), reply, text });
}

main().catch(support.fail);
