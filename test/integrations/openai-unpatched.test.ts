import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openaiIntegration } from '../../integrations/openai/index.js';
import { resolvePath } from '../../src/patching/install.js';
import { traced, type TracedOptions } from '../helpers/collect.js';
import { failOnUnhandledRejection, useMswServer } from '../helpers/msw.js';
import { openaiClient } from '../helpers/openai.js';
import { fixtureHandlers, loadFixture } from '../helpers/wire.js';

// Own file: vitest runs each file in a fresh process, and nothing here may patch the SDK,
// so the prototypes below are the SDK's own functions when each test starts.
const server = useMswServer();
failOnUnhandledRejection();

type Methods = Map<string, unknown>;

/** Every traced method of the loaded SDK, by op name, read off the class prototypes. */
function sdkMethods(): Methods {
  const methods: Methods = new Map();
  for (const target of openaiIntegration.targets) {
    const owner = resolvePath(OpenAI, target.classPaths[0]!.slice(1)) as { prototype: Record<string, unknown> };
    methods.set(target.opName, owner.prototype[target.method]);
  }
  return methods;
}

const ORIGINALS = sdkMethods();

it('the SDK has every traced method before any init()', () => {
  expect(ORIGINALS.size).toBe(openaiIntegration.targets.length);
  for (const [opName, method] of ORIGINALS) expect([opName, typeof method]).toEqual([opName, 'function']);
  expect(OpenAI.Chat.Completions.prototype.create).toBe(ORIGINALS.get('openai.chat.completions.create'));
});

describe.each<[string, TracedOptions]>([
  ['TRACEWIRE_DISABLED=true', { implicitlyPatchIntegrations: true, env: { TRACEWIRE_DISABLED: 'true' } }],
  ['implicitlyPatchIntegrations: false', { implicitlyPatchIntegrations: false }],
  ['TRACEWIRE_IMPLICIT_PATCHING=false', { implicitlyPatchIntegrations: true, env: { TRACEWIRE_IMPLICIT_PATCHING: 'false' } }],
])('%s', (_label, options) => {
  it('leaves the prototypes as the original functions, and the SDK works unrecorded', async () => {
    const t = traced(options);
    expect(sdkMethods()).toEqual(ORIGINALS);
    for (const [opName, method] of sdkMethods()) expect([opName, method]).toEqual([opName, ORIGINALS.get(opName)]);

    const fixture = loadFixture('openai/js-chat-basic.json');
    server.use(...fixtureHandlers(fixture));
    const response = await openaiClient().chat.completions.create(fixture.exchanges[0]!.request.body as never);
    expect(response).toEqual(fixture.exchanges[0]!.response.body);
    expect(await t.calls()).toEqual([]);
    expect(t.warnings).toEqual([]);
  });
});
