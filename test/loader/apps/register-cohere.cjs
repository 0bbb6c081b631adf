'use strict';
// A CommonJS app with no tracewire code, run with `node --require tracewire/register`: cohere-ai v1 and v2.
const fake = require(`${process.env.TW_HELPERS}/fake-cohere.cjs`);
const support = require(process.env.TW_SUPPORT);
const cohere = require('cohere-ai');

async function main() {
  const messages = [{ role: 'user', content: 'register-cjs' }];
  const v2 = await fake.fakeClient(cohere, { v2: true }).chat({ model: 'command-r', messages });
  const v1 = await fake.fakeClient(cohere).chat({ model: 'command-r', message: 'register-cjs' });
  support.report({ v2: v2.finishReason, v1: v1.text });
}

main().catch(support.fail);
