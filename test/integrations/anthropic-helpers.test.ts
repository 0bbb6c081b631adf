import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../src/types.js';
import { anthropicClient, drain, recordedEvents, requestOf, sseStreamHandler, withoutParsedOutput, type MessageJson } from '../helpers/anthropic.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const CREATE = 'anthropic.messages.create';
const BETA_CREATE = 'anthropic.beta.messages.create';

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

const byStart = <T extends { startedAt: string }>(calls: T[]) => [...calls].sort((a, b) => a.startedAt.localeCompare(b.startedAt));

describe('other helpers that reach create', () => {
  it('messages.parse (oi-messages-parse): one create record; the app gets parsed_output', async () => {
    const fixture = loadFixture('anthropic/oi-messages-parse.json');
    server.use(...fixtureHandlers(fixture));
    const body = requestOf<Anthropic.MessageCreateParamsNonStreaming>(fixture);
    const parsed = await anthropicClient().messages.parse(body);
    expect(parsed.parsed_output).toEqual({ city: 'Paris', country: 'France' });

    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual([CREATE]);
    expect(calls[0]!.inputs).toEqual(body);
    expect(calls[0]!.output).toEqual(fixture.exchanges[0]!.response.body);
    expect(calls[0]!.summary.usage).toEqual({ 'claude-sonnet-4-6': { requests: 1, inputTokens: 210, outputTokens: 12, totalTokens: 222, cacheReadTokens: 0, cacheWriteTokens: 0 } });
  });

  it('beta.messages.stream(): one anthropic.beta.messages.create record with the final message', async () => {
    const fixture = loadFixture('anthropic/oi-messages-stream-helper.json');
    server.use(...fixtureHandlers(fixture));
    const { stream: _stream, ...body } = requestOf(fixture);
    const final = await anthropicClient().beta.messages.stream(body).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'The capital of France is **Paris**.' }]);

    const calls = await t.calls();
    expect(calls.map((c) => c.opName)).toEqual([BETA_CREATE]);
    expect(calls[0]!.status).toBe('success');
    expect(calls[0]!.output).toEqual(withoutParsedOutput(final));
    expect(calls[0]!.summary.usage).toEqual({ 'claude-sonnet-4-6': { requests: 1, inputTokens: 14, outputTokens: 11, totalTokens: 25, cacheReadTokens: 0, cacheWriteTokens: 0 } });
  });

  it('beta.messages.toolRunner (not streamed), two turns: one record per HTTP request', async () => {
    const toolUse = loadFixture('anthropic/py-tool-use.json');
    const answer = loadFixture('anthropic/oi-tool-result-input.json');
    server.use(...fixtureHandlers(toolUse), ...fixtureHandlers(answer));
    const ran: string[] = [];
    const weather = { name: 'get_weather', description: 'Weather', input_schema: { type: 'object' as const, properties: { location: { type: 'string' } } } };
    const time = { name: 'get_time', description: 'Time', input_schema: { type: 'object' as const, properties: { timezone: { type: 'string' } } } };
    const runner = anthropicClient().beta.messages.toolRunner({
      model: 'claude-3-5-sonnet-20240620',
      max_tokens: 1024,
      messages: [{ role: 'user', content: 'What is the weather like right now in New York? Also what time is it there now?' }],
      tools: [
        { ...weather, type: 'custom', run: (input: any) => (ran.push(`weather:${input.location}`), 'sunny, 75F'), parse: (x: unknown) => x } as never,
        { ...time, type: 'custom', run: (input: any) => (ran.push(`time:${input.timezone}`), '10:00'), parse: (x: unknown) => x } as never,
      ],
    });
    const seen = (await drain(runner)) as MessageJson[];
    expect(seen.map((m) => m.stop_reason)).toEqual(['tool_use', 'end_turn']);
    expect(ran).toEqual(['weather:New York, NY', 'time:America/New_York']);

    const calls = byStart(await t.calls());
    expect(calls.map((c) => [c.opName, c.status])).toEqual([
      [BETA_CREATE, 'success'],
      [BETA_CREATE, 'success'],
    ]);
    expect(calls[0]!.output).toEqual(toolUse.exchanges[0]!.response.body);
    expect(calls[1]!.output).toEqual(answer.exchanges[0]!.response.body);
    const secondTurn = (calls[1]!.inputs.messages as MessageJson[]).at(-1)!;
    expect(secondTurn.role).toBe('user');
    expect(secondTurn.content.map((b: MessageJson) => [b.type, b.tool_use_id, b.content])).toEqual([
      ['tool_result', 'toolu_012r6TBCWjRHG71j6zruYyUL', 'sunny, 75F'],
      ['tool_result', 'toolu_01SkeBKkLCNYWNuivqFerGDd', '10:00'],
    ]);
    const usage = (u: Usage) => [u.inputTokens, u.outputTokens];
    expect(usage(calls[0]!.summary.usage!['claude-3-5-sonnet-20240620']!)).toEqual([514, 152]);
    expect(usage(calls[1]!.summary.usage!['claude-sonnet-4-6']!)).toEqual([772, 47]);
  });
});

describe('beta.messages.toolRunner, streamed (1.x runs it over a message thread)', () => {
  // BetaMessageThread takes `_responseProps()` of the traced create's APIPromise and builds its
  // own Stream with Stream.fromSSEResponse, so the promise is never parsed: the engine hands the
  // stream built from that response to the call (src/patching/handoff.ts).
  it('dd-agent-sdk-thinking-tool-loop-stream, two streamed turns: two records, each with its message, usage and timing', async () => {
    const fixture = loadFixture('anthropic/dd-agent-sdk-thinking-tool-loop-stream.json');
    // server.use prepends: the handler added last answers first, so add them in reverse.
    for (const exchange of [...fixture.exchanges].reverse()) server.use(sseStreamHandler(exchange.response.bodyText!, { wholeBody: true }));
    const first = requestOf(fixture, 0);
    const ran: unknown[] = [];
    const tool = { ...first.tools[0], type: 'custom', run: (input: unknown) => (ran.push(input), 'The weather in NY is 72° in fahrenheit.'), parse: (x: unknown) => x };
    const runner = anthropicClient().beta.messages.toolRunner({ model: first.model, max_tokens: first.max_tokens, messages: first.messages, tools: [tool as never], stream: true });
    const finals: MessageJson[] = [];
    for await (const turn of runner) finals.push(withoutParsedOutput(await turn.finalMessage()));
    expect(finals.map((m) => m.stop_reason)).toEqual(['tool_use', 'end_turn']);
    expect(ran).toEqual([{ location: 'NY', units: 'fahrenheit' }]);

    const calls = byStart(await t.calls());
    expect(calls.map((c) => [c.opName, c.status])).toEqual([[BETA_CREATE, 'success'], [BETA_CREATE, 'success']]);
    for (const [index, call] of calls.entries()) {
      const events = recordedEvents(fixture, index);
      const model = events[0]!.message.model as string;
      expect(call.output).toEqual(finals[index]);
      expect(call.summary.usage?.[model]?.inputTokens).toBeGreaterThan(0);
      expect(call.summary.timeToFirstTokenMs).toEqual(expect.any(Number));
    }
  });
});
