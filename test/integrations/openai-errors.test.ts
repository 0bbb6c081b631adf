import { http, HttpResponse } from 'msw';
import OpenAI, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import { describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import { tracedPerTest } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { CHAT, openaiClient } from '../helpers/openai.js';
import { fixtureHandlers, loadFixture, type WireFixture } from '../helpers/wire.js';

const server = useMswServer();
failOnUnhandledRejection();

const BODY: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

const t = tracedPerTest({ implicitlyPatchIntegrations: true });

/** An error response in OpenAI's own format, served once per call (traced run, untraced run). */
function openaiError(status: number, error: { message: string; type: string; code: string | null }): WireFixture {
  const exchange = {
    request: { method: 'POST', url: 'https://api.openai.com/v1/chat/completions', body: BODY },
    response: { status, headers: { 'content-type': 'application/json', 'x-request-id': `req_${status}` }, body: { error: { ...error, param: null } } },
  };
  return { provider: 'openai', api: 'chat.completions', stream: false, scenario: `error-${status}`, source: {}, meta: {}, exchanges: [exchange] };
}

const CASES: Array<[string, () => WireFixture, new (...args: never[]) => APIError, number]> = [
  ['400 (recorded)', () => loadFixture('openai/py-error-400-invalid-image-url.json'), BadRequestError, 400],
  ['401 (recorded)', () => loadFixture('openai/ls-error-401-invalid-api-key.json'), AuthenticationError, 401],
  ['429', () => openaiError(429, { message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3.', type: 'requests', code: 'rate_limit_exceeded' }), RateLimitError, 429],
  ['500', () => openaiError(500, { message: 'The server had an error while processing your request.', type: 'server_error', code: null }), InternalServerError, 500],
];

/** What an app can read off an SDK error: class, HTTP facts and OpenAI's error object. */
function visible(error: unknown) {
  const e = error as APIError;
  return {
    class: e.constructor,
    name: e.name,
    message: e.message,
    status: e.status,
    error: e.error,
    code: e.code,
    param: e.param,
    type: e.type,
    requestID: e.requestID,
    headers: e.headers ? headerRecord(e.headers) : e.headers,
  };
}

function headerRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, key) => (record[key] = value));
  return record;
}

async function rejectionOf(promise: PromiseLike<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('HTTP errors reach the app exactly as without tracing, and are recorded', () => {
  it.each(CASES)('%s → the SDK class with the same fields; record status error with type, message, status', async (_label, fixture, ErrorClass, status) => {
    const f = fixture();
    server.use(...fixtureHandlers(f), ...fixtureHandlers(f));
    const body = (f.exchanges[0]!.request.body ?? BODY) as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
    const tracedError = await rejectionOf(openaiClient().chat.completions.create(body));
    const bareError = await rejectionOf(withTracingDisabled(() => openaiClient().chat.completions.create(body)));

    expect(tracedError).toBeInstanceOf(ErrorClass);
    expect(visible(tracedError)).toEqual(visible(bareError));
    expect((tracedError as APIError).status).toBe(status);

    const calls = await t.calls();
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.opName).toBe(CHAT);
    expect(call.status).toBe('error');
    expect(call.output).toBeNull();
    expect(call.exception).toMatchObject({ type: ErrorClass.name, message: (tracedError as Error).message, status });
  });

  it('a streamed request answered with 429 fails at create(), recorded once as RateLimitError', async () => {
    server.use(...fixtureHandlers(openaiError(429, { message: 'Too many requests', type: 'requests', code: 'rate_limit_exceeded' })));
    const error = await rejectionOf(openaiClient().chat.completions.create({ ...BODY, stream: true }));
    expect(error).toBeInstanceOf(RateLimitError);
    const call = await t.one(CHAT);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'RateLimitError', message: (error as Error).message, status: 429 });
  });
});

describe('network failures and rejections', () => {
  it('a network failure → the app gets APIConnectionError; the record has it', async () => {
    server.use(http.post(/\/chat\/completions$/, () => HttpResponse.error()));
    const error = await rejectionOf(openaiClient().chat.completions.create(BODY));
    expect(error).toBeInstanceOf(APIConnectionError);
    const call = await t.one(CHAT);
    expect(call.status).toBe('error');
    expect(call.exception).toMatchObject({ type: 'APIConnectionError', message: (error as Error).message });
    expect(call.exception!.status).toBeUndefined();
  });

  it('a failing call awaited in try/catch introduces no unhandled rejection (checked after each test)', async () => {
    server.use(...fixtureHandlers(openaiError(500, { message: 'boom', type: 'server_error', code: null })));
    let caught: unknown;
    try {
      await openaiClient().chat.completions.create(BODY);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InternalServerError);
    // Give any stray rejection from a side branch the chance to surface before the check.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await t.one(CHAT)).status).toBe('error');
  });

  it('withResponse() on a failing call rejects with the same class, recorded once', async () => {
    server.use(...fixtureHandlers(openaiError(429, { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' })));
    const error = await rejectionOf(openaiClient().chat.completions.create(BODY).withResponse());
    expect(error).toBeInstanceOf(RateLimitError);
    const calls = await t.calls();
    expect(calls.map((c) => [c.status, c.exception?.type])).toEqual([['error', 'RateLimitError']]);
  });
});
