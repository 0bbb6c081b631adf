/**
 * Mistral failures (issue 5): HTTP errors (status from the SDK's `statusCode`), network
 * failures, timeouts and aborts. The app gets the very error the untraced SDK throws, the
 * record ends (`error`, or `cancelled` for the user's abort), and no unhandled rejection.
 */
import { HTTPClient } from '@mistralai/mistralai';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { traced, type Traced } from '../helpers/collect.js';
import { MISTRAL_TEST_KEY, mistralClient } from '../helpers/mistral.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { fixtureFetch, loadFixture } from '../helpers/wire.js';
import { expectErrorRecord, rejectionOf } from '../helpers/errors.js';

const server = useMswServer();
failOnUnhandledRejection();

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

const CHAT = /\/v1\/chat\/completions$/;
const request = { model: 'mistral-tiny', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('HTTP errors', () => {
  it.each([
    [401, 'SDKError', { message: 'Unauthorized' }],
    [422, 'HTTPValidationError', { detail: [{ loc: ['body', 'model'], msg: 'field required', type: 'missing' }] }],
    [429, 'SDKError', { message: 'Requests rate limit exceeded' }],
    [500, 'SDKError', { message: 'internal' }],
  ] as const)('chat.complete, HTTP %i: %s, status recorded', async (status, type, body) => {
    server.use(http.post(CHAT, () => HttpResponse.json(body, { status })), http.post(CHAT, () => HttpResponse.json(body, { status })));
    const error = await rejectionOf(mistralClient().chat.complete(request));
    const plain = await rejectionOf(withTracingDisabled(() => mistralClient().chat.complete(request)));
    expect(error.constructor).toBe(plain.constructor);
    expect(error.constructor.name).toBe(type);
    expect(error.statusCode).toBe(status);
    expect(error.message).toBe(plain.message);
    expectErrorRecord(await t.one('mistral.chat.complete'), error, status, MISTRAL_TEST_KEY);
  });

  it('chat.stream, HTTP 429 before any event: the promise rejects; error record', async () => {
    server.use(http.post(CHAT, () => HttpResponse.json({ message: 'slow down' }, { status: 429 })));
    const error = await rejectionOf(mistralClient().chat.stream(request));
    expect(error.statusCode).toBe(429);
    expectErrorRecord(await t.one('mistral.chat.stream'), error, 429, MISTRAL_TEST_KEY);
  });

  it('embeddings.create, HTTP 400', async () => {
    server.use(http.post(/\/v1\/embeddings$/, () => HttpResponse.json({ message: 'bad input' }, { status: 400 })));
    const error = await rejectionOf(mistralClient().embeddings.create({ model: 'mistral-embed', inputs: 'x' }));
    expectErrorRecord(await t.one('mistral.embeddings.create'), error, 400, MISTRAL_TEST_KEY);
  });
});

describe('network, timeout, abort', () => {
  it('the connection fails: ConnectionError, error record without status', async () => {
    server.use(http.post(CHAT, () => HttpResponse.error()), http.post(CHAT, () => HttpResponse.error()));
    const error = await rejectionOf(mistralClient().chat.complete(request));
    const plain = await rejectionOf(withTracingDisabled(() => mistralClient().chat.complete(request)));
    expect(error.constructor).toBe(plain.constructor);
    expect(error.constructor.name).toBe('ConnectionError');
    expectErrorRecord(await t.one('mistral.chat.complete'), error, undefined, MISTRAL_TEST_KEY);
  });

  const fixture = loadFixture('mistral/py-chat-2.json');
  /** Answers after a second unless the request's signal aborts first. */
  const slowClient = (options: Record<string, unknown> = {}) =>
    mistralClient({
      ...options,
      httpClient: new HTTPClient({
        fetcher: (input) =>
          new Promise((resolve, reject) => {
            const signal = (input as Request).signal;
            signal.addEventListener('abort', () => reject(signal.reason));
            setTimeout(() => resolve(fixtureFetch(fixture)(input)), 1000);
          }),
      }),
    });

  it('the app aborts before the response: RequestAbortedError, record cancelled', async () => {
    const run = () => {
      const controller = new AbortController();
      const pending = slowClient().chat.complete(request, { fetchOptions: { signal: controller.signal } });
      setTimeout(() => controller.abort(), 5);
      return rejectionOf(pending);
    };
    const plain = await withTracingDisabled(run);
    const error = await run();
    expect(error.constructor).toBe(plain.constructor);
    expect(error.name).toBe('RequestAbortedError');
    const call = await t.one('mistral.chat.complete');
    expect(call.status).toBe('cancelled');
    expect(call.exception).toBeNull();
  });

  it('a timeout is an error, not a cancellation', async () => {
    const error = await rejectionOf(slowClient({ timeoutMs: 10 }).chat.complete(request));
    expect(error.name).toBe('RequestTimeoutError');
    expectErrorRecord(await t.one('mistral.chat.complete'), error, undefined, MISTRAL_TEST_KEY);
  });
});
