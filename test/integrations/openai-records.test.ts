/** What records of many calls share and what they must not (export/pipeline.ts, patching/engine.ts). */
import { describe, expect, it } from 'vitest';
import { getCurrentCall, op, wrapOpenAI } from '../../src/index.js';
import { tracedPerTest } from '../helpers/collect.js';
import { useMswServer } from '../helpers/msw.js';
import { CHAT, openaiClient } from '../helpers/openai.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
const t = tracedPerTest({ attributes: { team: 'search', api_key: 'sk-global' } });
const fixture = loadFixture('openai/js-chat-basic.json');
const body = fixture.exchanges[0]!.request.body as never;

describe('records of calls through one client', () => {
  it('have equal attributes that are separate objects, with global attributes redacted', async () => {
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const client = wrapOpenAI(openaiClient());
    await client.chat.completions.create(body);
    await client.chat.completions.create(body);
    const [first, second] = (await t.calls()).filter((c) => c.opName === CHAT);
    expect(first!.attributes).toEqual(second!.attributes);
    expect(first!.attributes).toMatchObject({ team: 'search', api_key: '[REDACTED]', provider: 'openai' });
    expect(first!.attributes).not.toBe(second!.attributes);
    first!.attributes.team = 'changed by an exporter';
    expect(second!.attributes.team).toBe('search');
  });

  it('keep the summary each had when exported, though the parent rolls up more later', async () => {
    server.use(...fixtureHandlers(fixture), ...fixtureHandlers(fixture));
    const client = wrapOpenAI(openaiClient());
    const parent = op(async function agent() {
      await client.chat.completions.create(body);
      await client.chat.completions.create(body);
    });
    await parent();
    const calls = await t.calls();
    const children = calls.filter((c) => c.opName === CHAT);
    const root = calls.find((c) => c.opName === 'agent')!;
    const model = Object.keys(children[0]!.summary.usage!)[0]!;
    expect(children[0]!.summary.usage![model]).not.toBe(children[1]!.summary.usage![model]);
    expect(root.summary.usage![model]!.inputTokens).toBe(2 * children[0]!.summary.usage![model]!.inputTokens!);
    expect(children[0]!.summary.usage![model]).toEqual(children[1]!.summary.usage![model]);
  });

  it('an SDK call is not the current call for code that runs while it is in flight', async () => {
    let seen: unknown = 'not called';
    server.use(...fixtureHandlers(fixture));
    const client = wrapOpenAI(openaiClient('https://api.openai.com/v1', {
      fetch: async (input, init) => {
        seen = getCurrentCall();
        return fetch(input, init);
      },
    }));
    await op(async function outer() {
      await client.chat.completions.create(body);
    })();
    const outer = await t.one('outer');
    // The SDK call is a leaf: its own fetch sees the enclosing op, and the call is that op's child.
    expect((seen as { id?: string } | undefined)?.id).toBe(outer.id);
    expect((await t.one(CHAT)).parentId).toBe(outer.id);
  });

  it('have usage and cost in the summary the app reads right after the call, before any export', async () => {
    server.use(...fixtureHandlers(fixture));
    const client = wrapOpenAI(openaiClient());
    const response = fixture.exchanges[0]!.response.body as { model: string; usage: { prompt_tokens: number; completion_tokens: number } };
    let seen: unknown;
    await op(async function agent() {
      await client.chat.completions.create(body);
      seen = structuredClone(getCurrentCall()!.summary);
    })();
    expect(seen).toMatchObject({
      usage: { [response.model]: { requests: 1, inputTokens: response.usage.prompt_tokens, outputTokens: response.usage.completion_tokens } },
    });
    expect((seen as { totalCost?: unknown }).totalCost).toBeGreaterThan(0);
    expect((await t.one('agent')).summary).toMatchObject(seen as object);
  });
});
