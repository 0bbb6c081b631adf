/**
 * wrapMistral(client) (SPEC §1 way 3): the wrapped client's resources alone are traced and the
 * prototypes stay the SDK's. Own file: implicit patching never runs here; the stream class
 * comes from the package the app resolves, found when the first client is wrapped.
 */
import { describe, expect, it } from 'vitest';
import { wrapMistral } from '../../src/index.js';
import { traced } from '../helpers/collect.js';
import { drain, fixtureMistral, mistralClient, mistralRequestOf, readAll, streamedText } from '../helpers/mistral.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const ORIGINAL = Symbol.for('tracewire.original');
const chatFixture = loadFixture('mistral/py-chat-2.json');
const streamFixture = loadFixture('mistral/py-chat-stream.json');
const request = mistralRequestOf(chatFixture);

function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined;
}

describe('wrapMistral with implicit patching off', () => {
  it('traces the wrapped client only; the resource prototypes stay the original functions', async () => {
    const t = traced({ implicitlyPatchIntegrations: false });
    server.use(...fixtureHandlers(chatFixture), ...fixtureHandlers(chatFixture));
    const client = wrapMistral(mistralClient());
    expect(isPatched(Object.getPrototypeOf(client.chat).complete)).toBe(false);
    expect(isPatched(client.chat.complete)).toBe(true);
    await client.chat.complete(request);
    await mistralClient().chat.complete(request);
    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual(['mistral.chat.complete']);
    expect(calls[0]!.attributes).toMatchObject({ integration: { name: 'mistral' }, provider: 'mistral', baseUrl: 'https://api.mistral.ai' });
  });

  it('streams of a wrapped client, the first one included, are observed whoever reads them (tee, getReader)', async () => {
    const t = traced({ implicitlyPatchIntegrations: false });
    const client = wrapMistral(fixtureMistral(streamFixture));
    const [a, b] = (await client.chat.stream(request)).tee();
    const [left, right] = await Promise.all([readAll(a), drain(b)]);
    expect(left).toEqual(right);
    const call = await t.one('mistral.chat.stream');
    expect(call.status).toBe('success');
    expect((call.output as any).choices[0].message.content).toBe(streamedText(left as any));
    expect(call.summary.usage).toEqual({ 'mistral-tiny': { requests: 1, inputTokens: 11, outputTokens: 80, totalTokens: 91 } });
  });

  it('returns the same client; rejects what is not one', () => {
    traced({ implicitlyPatchIntegrations: false });
    const client = mistralClient();
    expect(wrapMistral(client)).toBe(client);
    expect(() => wrapMistral({} as never)).toThrow(/none of the @mistralai\/mistralai methods/);
  });
});
