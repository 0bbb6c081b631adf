import { describe, expect, it } from 'vitest';
import { destinationFromBaseUrl, destinationOfResource, sanitizeBaseUrl } from '../../integrations/openai/provider.js';

describe('destinationFromBaseUrl', () => {
  it.each([
    ['https://api.openai.com/v1', 'openai'],
    ['https://api.openai.com./v1', 'openai'], // a fully qualified name's final dot
    ['https://us.api.openai.com/v1', 'openai'],
    ['https://my-res.openai.azure.com/openai', 'azure'],
    ['https://my-res.cognitiveservices.azure.com/openai', 'azure'],
    ['https://gateway.azure-api.net/openai', 'azure'],
    ['https://api.groq.com/openai/v1', 'groq'],
    ['https://api.together.xyz/v1', 'together'],
    ['https://openrouter.ai/api/v1', 'openrouter'],
    ['https://api.fireworks.ai/inference/v1', 'fireworks'],
    ['https://api.deepseek.com', 'deepseek'],
    ['https://api.mistral.ai/v1', 'mistral'],
    ['https://api.perplexity.ai', 'perplexity'],
    ['https://api.x.ai/v1', 'xai'],
    ['https://api.endpoints.anyscale.com/v1', 'anyscale'],
    ['https://api.deepinfra.com/v1/openai', 'deepinfra'],
    ['https://api.cerebras.ai/v1', 'cerebras'],
    ['https://generativelanguage.googleapis.com/v1beta/openai/', 'gemini'],
    ['https://bedrock-mantle.us-east-1.api.aws/openai/v1', 'bedrock'],
    ['http://localhost:11434/v1', 'ollama'],
    ['http://127.0.0.1:11434/v1', 'ollama'],
    ['http://localhost:8000/v1', 'local'],
    ['http://[::1]:1234/v1', 'local'],
    ['https://llm.internal.example.com/v1', 'llm.internal.example.com'],
    ['https://notgroq.com/v1', 'notgroq.com'],
  ])('%s -> %s', (baseUrl, provider) => {
    expect(destinationFromBaseUrl(baseUrl).provider).toBe(provider);
  });

  it('removes credentials, query and fragment from the recorded base URL', () => {
    expect(destinationFromBaseUrl('https://user:secret@api.groq.com/openai/v1/?api-key=abc#x')).toEqual({
      provider: 'groq',
      baseUrl: 'https://api.groq.com/openai/v1',
    });
    expect(sanitizeBaseUrl('https://x.openai.azure.com/openai?api-version=2024-10-21')).toBe('https://x.openai.azure.com/openai');
  });

  it('falls back to the SDK default and survives garbage', () => {
    expect(destinationFromBaseUrl(undefined)).toEqual({ provider: 'openai', baseUrl: 'https://api.openai.com/v1' });
    expect(destinationFromBaseUrl('not a url')).toEqual({ provider: 'unknown' });
  });
});

describe('destinationOfResource', () => {
  it('reads the client of a resource and recognises AzureOpenAI behind any host', () => {
    const openai = { _client: { baseURL: 'https://api.openai.com/v1' } };
    expect(destinationOfResource(openai)).toEqual({ provider: 'openai', baseUrl: 'https://api.openai.com/v1' });
    const azure = { _client: { baseURL: 'https://llm.corp.example/openai', apiVersion: '2024-10-21', deploymentName: undefined } };
    expect(destinationOfResource(azure)).toEqual({ provider: 'azure', baseUrl: 'https://llm.corp.example/openai' });
    expect(destinationOfResource(undefined)).toEqual({ provider: 'openai', baseUrl: 'https://api.openai.com/v1' });
  });
});
