'use strict';
// Records calls to the local store (TRACEWIRE_DIR, TRACEWIRE_PROJECT) and never flushes.
// MODE=end: just ends. MODE=exit: process.exit(0) right after a call.
// MODE=sigterm: stays idle until killed. MODE=sigterm-handler: the same, with its own handler.
const support = require(process.env.TW_SUPPORT);
const tracewire = require('tracewire');
const OpenAI = require('openai');

async function main() {
  tracewire.init({ exporters: ['local'] });
  const client = support.fakeClient(OpenAI);
  await support.chat(client, 'one');
  await support.chatStream(client, 'two');
  await support.chat(client, 'three');
  const mode = process.env.MODE;
  if (mode === 'exit') process.exit(0);
  if (mode === 'sigterm' || mode === 'sigterm-handler') {
    const idle = setInterval(() => {}, 1000);
    if (mode === 'sigterm-handler') {
      process.on('SIGTERM', () => {
        console.log('app handler ran');
        clearInterval(idle);
      });
    }
    console.log('ready');
  }
}

main().catch(support.fail);
