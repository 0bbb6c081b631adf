// An ESM app that imports only openai after its tracing module, with cohere-ai installed: init()
// must not load an SDK the app does not import (cohere-ai takes hundreds of ms to load).
import { tw } from './tracing-module.mjs';
import OpenAI from 'openai';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const support = require(process.env.TW_SUPPORT);
await support.chat(support.fakeClient(OpenAI), 'static');
support.report({ cohereLoaded: require.resolve('cohere-ai') in require.cache, calls: await tw.getCalls() });
