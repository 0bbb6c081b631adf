/**
 * cohere-ai failures (issue 5): HTTP 4xx/5xx, network errors and a body failing mid-stream end
 * the record as `error` with the SDK error's class and the HTTP status (Cohere errors carry it
 * as `statusCode`); the app gets the very error the untraced SDK throws, and no unhandled
 * rejection appears, whichever way the app consumes the promise.
 */
import { CohereError } from 'cohere-ai';
import { http, HttpResponse } from 'msw';
import { beforeEach, describe, expect, it } from 'vitest';
import { withTracingDisabled } from '../../src/index.js';
import type { Call } from '../../src/types.js';
import { COHERE_TEST_KEY, cohereError, cohereRequestOf, cohereV1, cohereV2, drain } from '../helpers/cohere.js';
import { traced, type Traced } from '../helpers/collect.js';
import { failingBody, failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { loadFixture } from '../helpers/wire.js';
import { expectErrorRecord, rejectionOf } from '../helpers/errors.js';

const server = useMswServer();
failOnUnhandledRejection();

let t: Traced;
beforeEach(() => {
  t = traced({ implicitlyPatchIntegrations: true });
});

const v2Request = cohereRequestOf(loadFixture('cohere/py-chat-v2.json'));
const v1Request = cohereRequestOf(loadFixture('cohere/js-chat-v1.json'));

describe('HTTP errors: the SDK\'s typed error, status from statusCode', () => {
  it.each([
    [400, 'BadRequestError'],
    [401, 'UnauthorizedError'],
    [404, 'NotFoundError'],
    [429, 'TooManyRequestsError'],
    [500, 'InternalServerError'],
    [503, 'ServiceUnavailableError'],
  ])('v2 chat, HTTP %i: %s', async (status, type) => {
    server.use(cohereError(/\/v2\/chat$/, status), cohereError(/\/v2\/chat$/, status));
    const error = await rejectionOf(cohereV2().chat(v2Request));
    const plain = await rejectionOf(withTracingDisabled(() => cohereV2().chat(v2Request)));
    expect(error.constructor).toBe(plain.constructor);
    expect(error.constructor.name).toBe(type);
    expect(error).toBeInstanceOf(CohereError);
    expect(error.statusCode).toBe(status);
    expect(error.message).toBe(plain.message);
    expectErrorRecord(await t.one('cohere.v2.chat'), error, status, COHERE_TEST_KEY);
  });

  it('v1 chatStream, HTTP 422 before any event: error record, nothing to iterate', async () => {
    server.use(cohereError(/\/v1\/chat$/, 422, { message: 'invalid request' }));
    const error = await rejectionOf(cohereV1().chatStream(v1Request));
    expect(error.constructor.name).toBe('UnprocessableEntityError');
    expectErrorRecord(await t.one('cohere.chatStream'), error, 422, COHERE_TEST_KEY);
  });

  it('only withRawResponse() is awaited: the app gets the rejection, no unhandled one, the record ends', async () => {
    server.use(cohereError(/\/v2\/rerank$/, 500));
    const error = await rejectionOf(cohereV2().rerank({ model: 'rerank-english-v3.0', query: 'q', documents: ['a'] }).withRawResponse());
    expect(error.statusCode).toBe(500);
    expectErrorRecord(await t.one('cohere.v2.rerank'), error, 500, COHERE_TEST_KEY);
  });

  it('a call nobody awaits still ends its record, with no unhandled rejection', async () => {
    server.use(cohereError(/\/v1\/generate$/, 500));
    void cohereV1().generate({ prompt: 'x', model: 'command-light' }).withRawResponse().catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect((await t.one('cohere.generate')).status).toBe('error');
  });
});

describe('network failures', () => {
  it('the connection fails: the SDK\'s CohereError, no status', async () => {
    server.use(http.post(/\/v2\/embed$/, () => HttpResponse.error()), http.post(/\/v2\/embed$/, () => HttpResponse.error()));
    const request = { model: 'embed-english-v3.0', texts: ['a'], inputType: 'search_document' as const, embeddingTypes: ['float' as const] };
    const error = await rejectionOf(cohereV2().embed(request));
    const plain = await rejectionOf(withTracingDisabled(() => cohereV2().embed(request)));
    expect(error.constructor).toBe(plain.constructor);
    expect(error.message).toBe(plain.message);
    expectErrorRecord(await t.one('cohere.v2.embed'), error, undefined, COHERE_TEST_KEY);
  });

  it('the body fails mid-stream: the app gets the events so far and the same error; error record with partial output', async () => {
    const text = loadFixture('cohere/py-chat-v2-stream.json').exchanges[0]!.response.bodyText!;
    const head = text.split('\n\n').slice(0, 4).join('\n\n') + '\n\n';
    const serve = () => server.use(http.post(/\/v2\/chat$/, () => new HttpResponse(failingBody(head), { headers: { 'content-type': 'text/event-stream' } }), { once: true }));
    const read = async () => {
      const seen: unknown[] = [];
      const error = await (async () => {
        for await (const event of await cohereV2().chatStream(v2Request)) seen.push(event);
      })().then(() => undefined, (e: unknown) => e as Error);
      return { seen, error: error! };
    };
    serve();
    const plain = await withTracingDisabled(read);
    serve();
    const got = await read();
    expect(got.seen).toEqual(plain.seen);
    expect(got.seen).toHaveLength(4);
    expect(got.error.constructor).toBe(plain.error.constructor);
    expect(got.error.message).toBe(plain.error.message);
    const call = await t.one('cohere.v2.chatStream');
    expectErrorRecord(call, got.error, undefined, COHERE_TEST_KEY);
    expect(call.output).toMatchObject({ message: { role: 'assistant', content: [{ type: 'text', text: 'Arrr' }] } });
  });
});
