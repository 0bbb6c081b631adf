/**
 * The openai integration (SDK 4 to 7, AzureOpenAI included): which methods are traced and
 * how their results are read. Everything else is the engine's job.
 */
import type { IntegrationDefinition, TargetDefinition } from '../../src/patching/types.js';
import { imagesReducer, transcriptionReducer } from './media-reducers.js';
import { destinationOfResource } from './provider.js';
import { chatCompletionsReducer, completionsReducer, responsesReducer } from './reducers.js';
import { withStreamUsage } from './stream-usage.js';
import {
  chatUsage,
  completionsUsage,
  embeddingsUsage,
  imagesUsage,
  requestOnlyUsage,
  responsesUsage,
  transcriptionUsage,
} from './usage.js';

/** `OpenAI.Chat.Completions`, reached from the package exports and from a client. */
function resource(path: string[], method: string): Pick<TargetDefinition, 'classPaths' | 'instancePath' | 'method' | 'opName'> {
  const className = (segment: string) => segment[0]!.toUpperCase() + segment.slice(1);
  return {
    opName: ['openai', ...path, method].join('.'),
    classPaths: [['OpenAI', ...path.map(className)]],
    instancePath: path,
    method,
  };
}

export const openaiIntegration: IntegrationDefinition = {
  name: 'openai',
  packageName: 'openai',
  testedMajors: [4, 7],
  destination: destinationOfResource,
  targets: [
    { ...resource(['chat', 'completions'], 'create'), kind: 'llm', reducer: chatCompletionsReducer, usage: chatUsage, prepare: withStreamUsage },
    { ...resource(['responses'], 'create'), kind: 'llm', reducer: responsesReducer, usage: responsesUsage },
    { ...resource(['completions'], 'create'), kind: 'llm', reducer: completionsReducer, usage: completionsUsage },
    { ...resource(['embeddings'], 'create'), kind: 'embedding', usage: embeddingsUsage },
    { ...resource(['images'], 'generate'), kind: 'image', reducer: imagesReducer, usage: imagesUsage },
    { ...resource(['images'], 'edit'), kind: 'image', reducer: imagesReducer, usage: imagesUsage },
    { ...resource(['moderations'], 'create'), kind: 'moderation', usage: requestOnlyUsage },
    { ...resource(['audio', 'transcriptions'], 'create'), kind: 'audio', reducer: transcriptionReducer, usage: transcriptionUsage },
    { ...resource(['audio', 'translations'], 'create'), kind: 'audio', usage: requestOnlyUsage },
  ],
};
