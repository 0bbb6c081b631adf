/**
 * Anthropic's messagesReducer on the events around the rebuilt Message: which event is the
 * first token (generated content, thinking included), and how an `error` event in the stream
 * becomes an in-band error with the status of its error type.
 */
import { describe, expect, it } from 'vitest';
import { statusOfErrorType, streamErrorOf } from '../../integrations/anthropic/errors.js';
import { isFirstMessageToken, messagesReducer } from '../../integrations/anthropic/reducer.js';
import { eventsOf } from '../helpers/anthropic.js';
import { reduce } from '../helpers/reducers.js';

describe('messagesReducer: first token and in-band errors', () => {
  it('the first token is the first content delta', () => {
    const events = eventsOf('js-messages-stream');
    const first = events.findIndex((e) => isFirstMessageToken(e));
    expect(events[first]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sure' } });
    expect(events.slice(0, first).map((e) => e.type)).toEqual(['message_start', 'content_block_start', 'ping']);
  });

  it('thinking counts as generated content; empty thinking deltas and signatures do not', () => {
    const thinking = eventsOf('py-thinking-stream');
    expect(thinking.find((e) => isFirstMessageToken(e))?.delta).toEqual({ type: 'thinking_delta', thinking: 'Let' });
    // display: omitted sends empty thinking deltas; the first content is then the tool input
    const omitted = eventsOf('dd-agent-sdk-thinking-tool-loop-stream');
    expect(omitted.find((e) => isFirstMessageToken(e))?.delta).toEqual({ type: 'input_json_delta', partial_json: '{"lo' });
    expect(isFirstMessageToken({ type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'x' } })).toBe(false);
  });

  it('a redacted thinking block is generated content', () => {
    const events = eventsOf('oi-js-redacted-thinking-stream');
    expect(events.find((e) => isFirstMessageToken(e))?.content_block?.type).toBe('redacted_thinking');
  });

  it('an error event becomes { type, message, status } with the status of its error type', () => {
    const reducer = messagesReducer();
    expect(reducer.errorOf!({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })).toEqual({
      type: 'overloaded_error',
      message: 'Overloaded',
      status: 529,
    });
    expect(streamErrorOf({ type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } })?.status).toBe(429);
    expect(streamErrorOf({ type: 'error', error: { type: 'api_error', message: 'boom' } })?.status).toBe(500);
    expect(streamErrorOf({ type: 'error', error: { type: 'brand_new_error', message: 'x' } })).toEqual({ type: 'brand_new_error', message: 'x' });
    expect(streamErrorOf({ type: 'error' })).toEqual({ type: 'error', message: '' });
    expect(streamErrorOf({ type: 'message_stop' })).toBeUndefined();
    expect(streamErrorOf({ type: 'ping' })).toBeUndefined();
    expect(statusOfErrorType('invalid_request_error')).toBe(400);
    expect(statusOfErrorType('toString')).toBeUndefined();
  });

  it('the output of a stream that ended with an error event is the message so far', () => {
    const events = eventsOf('js-messages-stream').slice(0, 6);
    events.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const out = reduce(messagesReducer(), events);
    expect(out.content[0].text).toBe(events.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join(''));
    expect(out.stop_reason).toBeNull();
  });
});
