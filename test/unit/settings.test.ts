import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/settings.js';
import { warningsPerTest } from '../helpers/warnings.js';

const warnings = warningsPerTest();

describe('defaults', () => {
  it('resolves the documented defaults with no options and no environment', () => {
    const s = resolveSettings({}, {});
    expect(s).toMatchObject({
      project: 'default',
      disabled: false,
      implicitPatching: true,
      captureContent: true,
      exporters: ['local'],
      dir: join(homedir(), '.tracewire'),
      redactKeys: [],
      attributes: {},
    });
    for (const name of ['openai', 'anthropic', 'cohere', 'mistral'] as const) expect(s.integrations[name].enabled).toBe(true);
  });
});

describe('the environment wins over code', () => {
  it.each([
    ['1', true], ['true', true], ['YES', true], ['On', true],
    ['0', false], ['false', false], ['no', false], ['OFF', false],
  ])('TRACEWIRE_DISABLED=%s -> disabled %s', (raw, expected) => {
    expect(resolveSettings({ disabled: !expected }, { TRACEWIRE_DISABLED: raw }).disabled).toBe(expected);
  });

  it('every variable of SPEC section 4', () => {
    const s = resolveSettings(
      { project: 'code', dir: '/from/code', captureContent: true, implicitlyPatchIntegrations: true, exporters: ['memory'] },
      {
        TRACEWIRE_PROJECT: 'ops',
        TRACEWIRE_DIR: '/from/env',
        TRACEWIRE_CAPTURE_CONTENT: 'false',
        TRACEWIRE_IMPLICIT_PATCHING: 'false',
        TRACEWIRE_DISABLED_INTEGRATIONS: 'cohere, Mistral',
        TRACEWIRE_EXPORTER: 'console,local',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-team=a%20b,authorization=Bearer t',
      },
    );
    expect(s.project).toBe('ops');
    expect(s.dir).toBe('/from/env');
    expect(s.captureContent).toBe(false);
    expect(s.implicitPatching).toBe(false);
    expect(s.integrations.cohere.enabled).toBe(false);
    expect(s.integrations.mistral.enabled).toBe(false);
    expect(s.integrations.openai.enabled).toBe(true);
    expect(s.exporters).toEqual(['console', 'local']);
    expect(s.otlp).toEqual({ endpoint: 'http://127.0.0.1:4318', headers: { 'x-team': 'a b', authorization: 'Bearer t' } });
    expect(warnings).toEqual([]);
  });

  it('OTEL_EXPORTER_OTLP_TRACES_HEADERS adds to OTEL_EXPORTER_OTLP_HEADERS and wins where both name a header, whatever its case', () => {
    const s = resolveSettings({}, { OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20all,x-team=a', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20traces,x-extra=1' });
    expect(s.otlp.headers).toEqual({ authorization: 'Bearer traces', 'x-team': 'a', 'x-extra': '1' });
  });

  it('a disabled integration from the environment overrides enabled:true in code', () => {
    const s = resolveSettings({ integrations: { openai: { enabled: true } } }, { TRACEWIRE_DISABLED_INTEGRATIONS: 'openai' });
    expect(s.integrations.openai.enabled).toBe(false);
  });
});

describe('bad values', () => {
  it('a malformed %-escape in OTEL_EXPORTER_OTLP_HEADERS is reported and kept as written, never thrown', () => {
    const s = resolveSettings({ exporters: ['memory'] }, { OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%zz1,x-team=a%20b' });
    expect(s.otlp.headers).toEqual({ 'x-api-key': 'abc%zz1', 'x-team': 'a b' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/OTEL_EXPORTER_OTLP_HEADERS/);
  });

  it('a bad boolean is reported once with the variable name and accepted values; the safe default holds', () => {
    const env = { TRACEWIRE_DISABLED: 'maybe', TRACEWIRE_CAPTURE_CONTENT: 'sometimes' };
    const first = resolveSettings({}, env);
    resolveSettings({}, env);
    expect(first.disabled).toBe(false);
    expect(first.captureContent).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/TRACEWIRE_DISABLED="maybe".*1\/0, true\/false, yes\/no, on\/off/);
    expect(warnings[1]).toMatch(/TRACEWIRE_CAPTURE_CONTENT="sometimes"/);
  });

  it('unknown exporter and integration names are reported and ignored', () => {
    const s = resolveSettings({}, { TRACEWIRE_EXPORTER: 'kafka', TRACEWIRE_DISABLED_INTEGRATIONS: 'gemini,cohere' });
    expect(s.exporters).toEqual(['local']);
    expect(s.integrations.cohere.enabled).toBe(false);
    expect(warnings.join('\n')).toMatch(/TRACEWIRE_EXPORTER names unknown exporter "kafka"; accepted: local, otlp, console, memory, none/);
    expect(warnings.join('\n')).toMatch(/TRACEWIRE_DISABLED_INTEGRATIONS names unknown integration "gemini"/);
  });

  it('bad options from code throw a TypeError naming the option', () => {
    expect(() => resolveSettings({ project: 5 } as never, {})).toThrow(/option "project" must be a string; got number/);
    expect(() => resolveSettings({ colour: 'red' } as never, {})).toThrow(/unknown option "colour"/);
    expect(() => resolveSettings({ exporters: ['kafka'] } as never, {})).toThrow(/exporters\[\].*got "kafka"/);
    expect(() => resolveSettings({ integrations: { gemini: {} } } as never, {})).toThrow(/unknown integration "gemini"/);
    expect(() => resolveSettings({ integrations: { openai: { opSettings: { kind: 'x' } } } } as never, {})).toThrow(/integrations\.openai\.opSettings\.kind/);
    expect(() => resolveSettings({ redactKeys: 'token' } as never, {})).toThrow(/redactKeys.*array of strings/);
  });
});
