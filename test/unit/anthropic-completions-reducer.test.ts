/**
 * Anthropic's completionsReducer for the legacy Text Completions API (SDK 0.x only): the
 * completion it joins from a recorded stream, and its first token.
 */
import { describe, expect, it } from 'vitest';
import { completionsReducer } from '../../integrations/anthropic/reducer.js';
import { bodyOf, eventsOf } from '../helpers/anthropic.js';
import { reduce } from '../helpers/reducers.js';

describe('completionsReducer (legacy Text Completions, 0.x only)', () => {
  it('joins completion pieces into the non-streaming shape (oi-legacy-complete-stream vs py-legacy-complete)', () => {
    const events = eventsOf('oi-legacy-complete-stream');
    const out = reduce(completionsReducer(), events);
    expect(out).toMatchObject({
      type: 'completion',
      id: 'compl_015dfgyiT7JLszAiMbGMtgeG',
      model: 'claude-2.1',
      stop_reason: 'stop_sequence',
      stop: '\n\nHuman:',
      log_id: 'compl_015dfgyiT7JLszAiMbGMtgeG',
    });
    const joined = events.filter((e) => e.type === 'completion').map((e) => e.completion).join('');
    expect(out.completion).toBe(joined);
    expect(out.completion.startsWith(' Light sc')).toBe(true);
    expect(Object.keys(out).sort()).toEqual(Object.keys(bodyOf('py-legacy-complete')).sort());
  });

  it('first token is the first non-empty completion piece', () => {
    const reducer = completionsReducer();
    expect(reducer.isFirstToken!({ type: 'completion', completion: '' })).toBe(false);
    expect(reducer.isFirstToken!({ type: 'completion', completion: ' Hi' })).toBe(true);
    expect(reducer.isFirstToken!({ type: 'ping' })).toBe(false);
  });
});
