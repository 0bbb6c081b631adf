'use strict';
/**
 * What the loader test apps share, loaded by absolute path (TW_SUPPORT) because the apps run
 * from a copy in a temporary folder. It never loads the SDK or tracewire: apps pass them in.
 */
const fake = require('../../helpers/fake-openai.cjs');

const ORIGINAL = Symbol.for('tracewire.original');

/** A non-streamed chat call whose only message is `tag`, so the parent can find its record. */
function chat(client, tag) {
  return client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: tag }] });
}

/** A streamed chat call read to the end; resolves to the joined text. */
async function chatStream(client, tag) {
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: tag }], stream: true });
  let text = '';
  for await (const chunk of stream) text += (chunk.choices[0] && chunk.choices[0].delta.content) || '';
  return text;
}

/** Whether the SDK's chat.completions.create on the prototype is tracewire's wrapper. */
function isPatched(sdk) {
  const create = fake.openaiClass(sdk).Chat.Completions.prototype.create;
  return create[ORIGINAL] !== undefined;
}

/** The one line the parent parses; anything else on stdout is ignored. `node`: which Node ran the app. */
function report(payload) {
  process.stdout.write(`@@result ${JSON.stringify({ node: process.versions.node, ...payload })}\n`);
}

function fail(error) {
  process.stderr.write(`app failed: ${(error && error.stack) || error}\n`);
  process.exitCode = 1;
}

module.exports = { ...fake, chat, chatStream, isPatched, report, fail };
