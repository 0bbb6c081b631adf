'use strict';
// Records calls to the local store (TRACEWIRE_DIR, TRACEWIRE_PROJECT) and never flushes.
// MODE=end: just ends. MODE=exit: process.exit(0) right after a call.
// MODE=sigterm: stays idle until killed. MODE=sigterm-handler: the same, with its own handler.
// MODE=sigterm-in-op: the calls run inside an op, which is still waiting when the process is killed.
const support = require(process.env.TW_SUPPORT);
const tracewire = require('tracewire');
const OpenAI = require('openai');

async function main() {
  tracewire.init({ exporters: ['local'] });
  if (process.env.MODE === 'sigterm-in-op') {
    await tracewire.op(async function agent() {
      await calls();
      setInterval(() => {}, 1000);
      console.log('ready');
      await new Promise(() => {});
    }, { kind: 'agent' })();
    return;
  }
  await calls();
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

async function calls() {
  const client = support.fakeClient(OpenAI);
  await support.chat(client, 'one');
  await support.chatStream(client, 'two');
  await support.chat(client, 'three');
}

main().catch(support.fail);
