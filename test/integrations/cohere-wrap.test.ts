/**
 * wrapCohere(client) (SPEC §1 way 3): the wrapped client alone is traced, the prototypes stay
 * the SDK's; a CohereClientV2 is recorded under v2 op names only (it also owns methods named
 * like the v1 ones); a client wrapped and also reached by implicit patching is recorded once.
 * Own file: implicit patching is applied only by the last test.
 */
import { CohereClient, type CohereClientV2 } from 'cohere-ai';
import { describe, expect, it } from 'vitest';
import { wrapCohere } from '../../src/index.js';
import { resolvePath } from '../../src/patching/install.js';
import { cohereRequestOf, cohereV1, cohereV2, drain } from '../helpers/cohere.js';
import { traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const ORIGINAL = Symbol.for('tracewire.original');
const v2Chat = loadFixture('cohere/py-chat-v2.json');
const v2Stream = loadFixture('cohere/py-chat-v2-stream.json');
const v1Chat = loadFixture('cohere/js-chat-v1.json');

/** The V2 client a CohereClientV2 delegates to (a private field). */
function v2Of(client: CohereClientV2): Record<string, unknown> {
  return (client as unknown as { clientV2: Record<string, unknown> }).clientV2;
}

function isPatched(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as unknown as Record<symbol, unknown>)[ORIGINAL] !== undefined;
}

describe('wrapCohere with implicit patching off', () => {
  it('a CohereClientV2: v2 ops recorded (stream too), never as v1 ops; other clients and the prototypes untouched', async () => {
    const t = traced({ implicitlyPatchIntegrations: false });
    server.use(...fixtureHandlers(v2Chat), ...fixtureHandlers(v2Chat), ...fixtureHandlers(v2Stream));
    const client = wrapCohere(cohereV2());
    expect(isPatched(Object.getPrototypeOf(v2Of(client)).__chat)).toBe(false);
    await client.chat(cohereRequestOf(v2Chat));
    await cohereV2().chat(cohereRequestOf(v2Chat));
    await drain(await client.chatStream(cohereRequestOf(v2Stream)));
    const calls = await t.calls();
    expect(calls.map((c) => c.opName).sort()).toEqual(['cohere.v2.chat', 'cohere.v2.chatStream']);
    expect(calls.every((c) => c.status === 'success')).toBe(true);
    // no v1 target was installed on the V2 client's own v1-named methods
    expect(isPatched(client.chat)).toBe(false);
    expect(isPatched((client as unknown as Record<string, unknown>).__chat)).toBe(false);
  });

  it('a CohereClient: v1 ops recorded; the version is unknown to a wrapped client (no package to read it from)', async () => {
    const t = traced({ implicitlyPatchIntegrations: false });
    server.use(...fixtureHandlers(v1Chat));
    const client = wrapCohere(cohereV1());
    await client.chat(cohereRequestOf(v1Chat));
    const call = await t.one('cohere.chat');
    expect(call.status).toBe('success');
    expect(call.attributes).toMatchObject({ integration: { name: 'cohere' }, provider: 'cohere' });
    expect(isPatched(resolvePath(CohereClient, ['prototype', '__chat']))).toBe(false);
  });

  it('returns the same client; rejects what is not one', () => {
    traced({ implicitlyPatchIntegrations: false });
    const client = cohereV2();
    expect(wrapCohere(client)).toBe(client);
    expect(() => wrapCohere({} as never)).toThrow(/none of the cohere-ai methods/);
    expect(() => wrapCohere(null as never)).toThrow(/expected a client instance/);
  });

  it('TRACEWIRE_DISABLED_INTEGRATIONS=cohere: wrapping passes the client through untouched', async () => {
    const t = traced({ implicitlyPatchIntegrations: false, env: { TRACEWIRE_DISABLED_INTEGRATIONS: 'cohere' } });
    server.use(...fixtureHandlers(v2Chat));
    const client = wrapCohere(cohereV2());
    expect(isPatched(v2Of(client).__chat)).toBe(false);
    await client.chat(cohereRequestOf(v2Chat));
    expect(await t.calls()).toEqual([]);
  });
});

it('wrapped, then implicitly patched too: each call recorded once', async () => {
  traced({ implicitlyPatchIntegrations: false });
  const client = wrapCohere(cohereV2());
  const t = traced({ implicitlyPatchIntegrations: true });
  expect(isPatched(Object.getPrototypeOf(v2Of(client)).__chat)).toBe(true);
  server.use(...fixtureHandlers(v2Chat));
  await client.chat(cohereRequestOf(v2Chat));
  const calls = await t.calls();
  expect(calls.map((c) => c.opName)).toEqual(['cohere.v2.chat']);
});
