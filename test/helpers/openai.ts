import OpenAI from 'openai';

export const TEST_KEY = 'sk-test-0123456789abcdefSECRET';

/** A real OpenAI client pointed at msw; retries off so error tests see one request. */
export function openaiClient(baseURL = 'https://api.openai.com/v1'): OpenAI {
  return new OpenAI({ apiKey: TEST_KEY, baseURL, maxRetries: 0 });
}
