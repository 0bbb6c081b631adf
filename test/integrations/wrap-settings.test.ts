/** wrapX(client, settings): settings for one client, over init()'s for the integration (SPEC §2). */
import { http, HttpResponse } from 'msw';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { wrapOpenAI } from '../../src/index.js';
import { traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { openaiClient } from '../helpers/openai.js';

const server = useMswServer();
failOnUnhandledRejection();

const EMBEDDING = 'openai.embeddings.create';

function serveEmbeddings(): void {
  server.use(http.post(/\/embeddings$/, () => HttpResponse.json({
    object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: [0.1, 0.2] }],
    usage: { prompt_tokens: 3, total_tokens: 3 },
  })));
}

const embed = (client: ReturnType<typeof openaiClient>, input: string) => client.embeddings.create({ model: 'text-embedding-3-small', input });

describe.each([true, false])('wrapOpenAI(client, settings), implicit patching %s', (implicit) => {
  it('one client gets its own names and hooks, over init()\'s opSettings key by key; others keep init()\'s', async () => {
    const t = traced({
      implicitlyPatchIntegrations: implicit,
      integrations: { openai: { opSettings: { kind: 'retriever', callDisplayName: 'from init' } } },
    });
    serveEmbeddings();
    const mine = wrapOpenAI(openaiClient(), {
      opSettings: { name: 'search.embed', callDisplayName: (inputs) => `embed ${String(inputs.input)}`, postprocessInputs: (inputs) => ({ ...inputs, input: '[hidden]' }) },
    });
    const other = wrapOpenAI(openaiClient());
    await embed(mine, 'secret words');
    await embed(other, 'plain');
    const calls = await t.calls();
    expect(calls).toHaveLength(2);
    const [a, b] = [calls.find((c) => c.opName === 'search.embed')!, calls.find((c) => c.opName === EMBEDDING)!];
    expect([a.kind, a.displayName, a.inputs]).toEqual(['retriever', 'embed [hidden]', { model: 'text-embedding-3-small', input: '[hidden]' }]);
    expect([b.kind, b.displayName, b.inputs]).toEqual(['retriever', 'from init', { model: 'text-embedding-3-small', input: 'plain' }]);
  });

  it('enabled: false leaves that client untraced; wrapping it again with other settings replaces them', async () => {
    const t = traced({ implicitlyPatchIntegrations: implicit });
    serveEmbeddings();
    const quiet = wrapOpenAI(openaiClient(), { enabled: false });
    await embed(quiet, 'not recorded');
    expect(await t.calls()).toEqual([]);
    wrapOpenAI(quiet, { opSettings: { name: 'rewrapped' } });
    await embed(quiet, 'recorded');
    const calls = await t.calls();
    expect(calls.map((c) => [c.opName, c.inputs.input])).toEqual([['rewrapped', 'recorded']]);
  });
});

describe('wrapOpenAI settings that are wrong', () => {
  it('are refused by the type too; the client keeps its type', () => {
    traced({ implicitlyPatchIntegrations: false });
    const client = openaiClient();
    expectTypeOf(wrapOpenAI(client, { opSettings: { name: 'x' } })).toEqualTypeOf<typeof client>();
    // @ts-expect-error: not an IntegrationSettings key
    expect(() => wrapOpenAI(client, { enable: false })).toThrow(TypeError);
  });

  it('throw a TypeError naming the key', () => {
    traced({ implicitlyPatchIntegrations: false });
    expect(() => wrapOpenAI(openaiClient(), { enable: false } as never)).toThrow(/unknown key "enable" in wrapOpenAI settings/);
    expect(() => wrapOpenAI(openaiClient(), { opSettings: { kind: 'bot' } } as never)).toThrow(/"wrapOpenAI settings\.opSettings\.kind" must be one of/);
    expect(() => wrapOpenAI(openaiClient(), { opSettings: { displayName: 'x' } } as never)).toThrow(/unknown key "displayName" in wrapOpenAI settings\.opSettings; allowed keys: name, kind, callDisplayName/);
  });
});

describe('init() again with implicit patching off', () => {
  it('stops tracing the clients only implicit patching reached; wrapped ones go on', async () => {
    const first = traced({ implicitlyPatchIntegrations: true });
    serveEmbeddings();
    await embed(openaiClient(), 'patched');
    expect((await first.calls()).map((c) => c.inputs.input)).toEqual(['patched']);

    const second = traced({ implicitlyPatchIntegrations: false });
    serveEmbeddings();
    await embed(openaiClient(), 'not any more');
    await embed(wrapOpenAI(openaiClient()), 'wrapped');
    expect((await second.calls()).map((c) => c.inputs.input)).toEqual(['wrapped']);
  });
});
