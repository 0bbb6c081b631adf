import { http, HttpResponse } from 'msw';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { openaiIntegration } from '../../integrations/openai/index.js';
import type { StreamReducer, TargetDefinition } from '../../src/patching/types.js';
import { traced } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { CHAT, drain, openaiClient, recordedChunks, TEST_KEY } from '../helpers/openai.js';
import { chatRequest } from '../helpers/openai-stream.js';
import { fixtureHandlers, loadFixture, requestBody, responseBody } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();


function chatFixture() {
  const fixture = loadFixture('openai/js-chat-basic.json');
  server.use(...fixtureHandlers(fixture));
  return { body: requestBody<OpenAI.Chat.ChatCompletionCreateParamsNonStreaming>(fixture), response: responseBody(fixture) };
}

function streamFixture() {
  const fixture = loadFixture('openai/js-chat-stream.json');
  server.use(...fixtureHandlers(fixture));
  return { body: chatRequest(fixture), chunks: recordedChunks(fixture) };
}

/** Replaces one property for the test; afterEach puts every original back. */
const restores: Array<() => void> = [];
afterEach(() => {
  for (const restore of restores.splice(0).reverse()) restore();
});
function replace<T extends object, K extends keyof T>(owner: T, key: K, value: T[K]): void {
  const original = owner[key];
  owner[key] = value;
  restores.push(() => {
    owner[key] = original;
  });
}

const chatTarget = (): TargetDefinition => openaiIntegration.targets.find((target) => target.opName === CHAT)!;

describe('turning the integration off', () => {
  it('integrations.openai.enabled=false → the call works, nothing is recorded', async () => {
    const t = traced({ implicitlyPatchIntegrations: true, integrations: { openai: { enabled: false } } });
    const { body, response } = chatFixture();
    expect(await openaiClient().chat.completions.create(body)).toEqual(response);
    expect(await t.calls()).toEqual([]);
  });

  it('TRACEWIRE_DISABLED_INTEGRATIONS=openai → the call works, nothing is recorded', async () => {
    // Patch first under a plain init, so the off switch is proved on patched prototypes.
    traced({ implicitlyPatchIntegrations: true });
    const t = traced({ implicitlyPatchIntegrations: true, env: { TRACEWIRE_DISABLED_INTEGRATIONS: 'openai' } });
    expect(process.env.TRACEWIRE_DISABLED_INTEGRATIONS).toBe('openai');
    const { body, response } = chatFixture();
    expect(await openaiClient().chat.completions.create(body)).toEqual(response);
    expect(await t.calls()).toEqual([]);
    expect(t.warnings).toEqual([]);
  });
});

describe('opSettings', () => {
  it('name, kind, callDisplayName(inputs), postprocessInputs and postprocessOutput are applied', async () => {
    const seenByDisplayName: unknown[] = [];
    const t = traced({
      implicitlyPatchIntegrations: true,
      integrations: {
        openai: {
          opSettings: {
            name: 'chat-with-openai',
            kind: 'agent',
            callDisplayName: (inputs) => {
              seenByDisplayName.push(inputs);
              return `chat ${String(inputs.model)}`;
            },
            postprocessInputs: (inputs) => ({ ...inputs, messages: '[hidden]' }),
            postprocessOutput: (output) => ({ id: (output as { id: string }).id }),
          },
        },
      },
    });
    const { body, response } = chatFixture();
    const result = await openaiClient().chat.completions.create(body);
    expect(result).toEqual(response);
    expect(result.choices).toHaveLength(1);

    const calls = await t.calls();
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.opName).toBe('chat-with-openai');
    expect(call.kind).toBe('agent');
    expect(call.displayName).toBe(`chat ${body.model}`);
    expect(call.inputs).toEqual({ ...body, messages: '[hidden]' });
    expect(call.output).toEqual({ id: result.id });
    // The display name is computed from the postprocessed inputs, so it cannot leak what they removed.
    expect(seenByDisplayName).toEqual([{ ...body, messages: '[hidden]' }]);
  });
});

describe('a failure inside tracewire never reaches the app', () => {
  it('the integration destination throws → the call succeeds untraced, one warning', async () => {
    const t = traced({ implicitlyPatchIntegrations: true });
    replace(openaiIntegration, 'destination', () => {
      throw new Error('destination exploded');
    });
    const { body, response } = chatFixture();
    const client = openaiClient();
    expect(await client.chat.completions.create(body)).toEqual(response);
    server.use(...fixtureHandlers(loadFixture('openai/js-chat-basic.json')));
    expect(await client.chat.completions.create(body)).toEqual(response);

    expect(await t.calls()).toEqual([]);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain(CHAT);
    expect(t.warnings[0]).toContain('destination exploded');
  });

  it('a reducer that throws → every chunk still reaches the app, one warning, the record still ends', async () => {
    const t = traced({ implicitlyPatchIntegrations: true });
    const throwing: StreamReducer = {
      init: () => ({}),
      add: () => {
        throw new Error('reducer exploded');
      },
      finish: () => ({}),
    };
    replace(chatTarget(), 'reducer', () => throwing);
    const { body, chunks } = streamFixture();
    expect(await drain(await openaiClient().chat.completions.create(body))).toEqual(chunks);

    const call = await t.one(CHAT);
    expect(call.status).toBe('success');
    expect(call.endedAt).not.toBeNull();
    expect(call.output).toBeNull();
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain('reducer exploded');
  });

  it('a chunk filter that throws → every chunk still reaches the app, one warning, the record is complete', async () => {
    const t = traced({ implicitlyPatchIntegrations: true });
    replace(chatTarget(), 'prepare', (args) => ({
      args,
      hideChunk: () => {
        throw new Error('filter exploded');
      },
    }));
    const { body, chunks } = streamFixture();
    const received = await drain(await openaiClient().chat.completions.create(body));
    expect(received).toEqual(chunks);

    const call = await t.one(CHAT);
    expect(call.status).toBe('success');
    expect(call.output).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain('filter exploded');
  });
});

describe('inputs are the request body only', () => {
  it('no record holds the API key or an Authorization header, whatever the call', async () => {
    const t = traced({ implicitlyPatchIntegrations: true });
    const client = openaiClient();
    expect(client.apiKey).toBe(TEST_KEY);
    const { body } = chatFixture();
    await client.chat.completions.create(body, { headers: { 'X-Custom': 'custom-header-value' } });
    const stream = streamFixture();
    await drain(await client.chat.completions.create(stream.body));
    server.use(http.post(/\/embeddings$/, () => HttpResponse.json({ error: { message: 'nope', type: 'invalid_request_error', param: null, code: null } }, { status: 400 })));
    await expect(client.embeddings.create({ model: 'text-embedding-3-small', input: 'x' })).rejects.toThrow();

    const calls = await t.calls();
    expect(calls.map((c) => c.status).sort()).toEqual(['error', 'success', 'success']);
    for (const call of calls) {
      const text = JSON.stringify(call);
      expect(text).not.toContain(TEST_KEY);
      expect(text.toLowerCase()).not.toContain('authorization');
      expect(text).not.toContain('custom-header-value');
    }
    const chat = calls.find((c) => c.inputs.stream === undefined && c.opName === CHAT)!;
    expect(chat.inputs).toEqual(body);
  });
});
