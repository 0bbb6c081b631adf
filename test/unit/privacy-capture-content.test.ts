/**
 * Privacy with captureContent: false: no prompt text, tool argument or schema property name is
 * left in a request, only model, usage and finish reasons in a response, across the OpenAI,
 * Anthropic and Cohere shapes; secret keys are still redacted.
 */
import { describe, expect, it } from 'vitest';
import { applyPrivacy, CONTENT_OMITTED, stripContent } from '../../src/privacy/index.js';
import { copyOf } from '../helpers/privacy.js';

describe('captureContent: false', () => {
  const request = {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are a weather bot. PROMPT_SYSTEM_TEXT' },
      { role: 'user', content: [{ type: 'text', text: 'PROMPT_USER_TEXT in Paris?' }, { type: 'image_url', image_url: { url: 'https://img/PROMPT_IMAGE', detail: 'low' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"PROMPT_ARG_CITY"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'PROMPT_TOOL_RESULT' },
    ],
    tools: [{
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'PROMPT_TOOL_DESCRIPTION',
        parameters: { type: 'object', properties: { SCHEMA_PROPERTY_CITY: { type: 'string', description: 'PROMPT_PARAM_DESC' } }, required: ['SCHEMA_PROPERTY_CITY'] },
      },
    }],
    tool_choice: 'auto',
    response_format: { type: 'json_schema', json_schema: { name: 'w', schema: { properties: { SCHEMA_PROPERTY_TEMP: {} } } } },
    metadata: { SCHEMA_METADATA_KEY: 'PROMPT_METADATA' },
    user: 'PROMPT_USER_ID',
    temperature: 0.3,
    max_tokens: 512,
    stream: false,
  };
  const response = {
    id: 'chatcmpl-123',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    system_fingerprint: 'fp_abc',
    choices: [{
      index: 0,
      message: {
        role: 'assistant',
        content: 'OUTPUT_TEXT',
        refusal: null,
        tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"OUTPUT_ARG"}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    }],
    usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99, prompt_tokens_details: { cached_tokens: 0 } },
  };

  it('leaves no prompt text, tool argument or schema property name in an OpenAI chat request', () => {
    const result = applyPrivacy('inputs', copyOf(request), { captureContent: false });
    const json = JSON.stringify(result);
    expect(json).not.toMatch(/PROMPT_|SCHEMA_/);
    expect(result).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: CONTENT_OMITTED },
        { role: 'user', content: [{ type: 'text', text: CONTENT_OMITTED }, { type: 'image_url', image_url: { url: CONTENT_OMITTED, detail: 'low' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: CONTENT_OMITTED, arguments: CONTENT_OMITTED } }] },
        { role: 'tool', tool_call_id: 'call_1', content: CONTENT_OMITTED },
      ],
      tools: CONTENT_OMITTED,
      tool_choice: 'auto',
      response_format: CONTENT_OMITTED,
      metadata: CONTENT_OMITTED,
      user: CONTENT_OMITTED,
      temperature: 0.3,
      max_tokens: 512,
      stream: false,
    });
  });

  it('keeps model, usage and finish_reason of a response with tool calls, and nothing else textual', () => {
    const result = applyPrivacy('output', copyOf(response), { captureContent: false });
    expect(JSON.stringify(result)).not.toMatch(/OUTPUT_/);
    expect(result).toEqual({
      id: 'chatcmpl-123',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini-2024-07-18',
      system_fingerprint: 'fp_abc',
      choices: [{
        index: 0,
        message: {
          role: 'assistant',
          content: CONTENT_OMITTED,
          refusal: null,
          tool_calls: [{ id: 'call_2', type: 'function', function: { name: CONTENT_OMITTED, arguments: CONTENT_OMITTED } }],
        },
        logprobs: null,
        finish_reason: 'tool_calls',
      }],
      usage: { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99, prompt_tokens_details: { cached_tokens: 0 } },
    });
  });

  it('drops Anthropic tool_use input objects and Cohere tool parameters whole, keeping billed units', () => {
    const anthropic = stripContent(copyOf({
      model: 'claude-3-5-sonnet', stop_reason: 'tool_use', stop_sequence: null,
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { SECRET_ARG_NAME: 'ARG_VALUE' } }],
      usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0 },
    }));
    expect(anthropic).toEqual({
      model: 'claude-3-5-sonnet', stop_reason: 'tool_use', stop_sequence: null,
      content: [{ type: 'tool_use', id: 'toolu_1', name: CONTENT_OMITTED, input: CONTENT_OMITTED }],
      usage: { input_tokens: 10, output_tokens: 2, cache_read_input_tokens: 0 },
    });
    const cohere = stripContent(copyOf({
      text: 'ANSWER', finish_reason: 'COMPLETE', tool_calls: [{ name: 'lookup', parameters: { SECRET_PARAM: 1 } }],
      meta: { api_version: { version: '1' }, billed_units: { input_tokens: 7, output_tokens: 3 }, tokens: { input_tokens: 70 } },
    }));
    expect(cohere).toEqual({
      text: CONTENT_OMITTED, finish_reason: 'COMPLETE', tool_calls: [{ name: CONTENT_OMITTED, parameters: CONTENT_OMITTED }],
      meta: { api_version: { version: '1' }, billed_units: { input_tokens: 7, output_tokens: 3 }, tokens: { input_tokens: 70 } },
    });
    expect(stripContent('a bare string output')).toBe(CONTENT_OMITTED);
    expect(stripContent(42)).toBe(42);
  });

  it('still redacts secret keys whose values are numbers, which stripping would keep', () => {
    const result = applyPrivacy('inputs', copyOf({ pin: 1, password: 98765 }), { captureContent: false });
    expect(result).toEqual({ pin: 1, password: CONTENT_OMITTED });
    expect(JSON.stringify(result)).not.toContain('98765');
  });
});
