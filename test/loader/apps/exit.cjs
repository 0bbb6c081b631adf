'use strict';
// Records calls to the local store (TRACEWIRE_DIR, TRACEWIRE_PROJECT) and never flushes.
// MODE=end: just ends. MODE=exit: process.exit(0) right after a call.
// MODE=sigterm: stays idle until killed. MODE=sigterm-handler: the same, with its own handler.
// MODE=sigterm-in-op: the calls run inside an op, which is still waiting when the process is killed.
// MODE=exit-in-flight, sigterm-in-flight: as exit and sigterm, with a call 'four' still waiting for its
// response and a stream 'five' read partway.
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
  if (mode.endsWith('-in-flight')) {
    const unanswered = new OpenAI({ apiKey: 'k', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: () => new Promise(() => {}) });
    void support.chat(unanswered, 'four');
    // And a stream read partway, still held: its record keeps what was streamed so far.
    const stream = await support.fakeClient(OpenAI).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'five' }], stream: true });
    globalThis.reading = stream[Symbol.asyncIterator]();
    await globalThis.reading.next();
    await globalThis.reading.next();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (mode === 'exit' || mode === 'exit-in-flight') process.exit(0);
  if (mode === 'sigterm' || mode === 'sigterm-handler' || mode === 'sigterm-in-flight') {
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
