/** OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES are read by one parser, the same way. */
import { describe, expect, it } from 'vitest';
import { resourceAttributesFrom } from '../../src/export/otlp-http.js';
import { parseOtelList } from '../../src/otel-env-list.js';
import { warningsPerTest } from '../helpers/warnings.js';

const warnings = warningsPerTest();

describe('key=value lists of the OpenTelemetry environment', () => {
  it('decodes percent-escapes in keys and values, trims around them, and skips empty entries', () => {
    expect(parseOtelList('V', ' a%20key = b%2Cc ,, x=y=z')).toEqual([['a key', 'b,c'], ['x', 'y=z']]);
    expect(parseOtelList('V', undefined)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('skips an entry without "=" and keeps a malformed escape as written, each reported once naming the variable', () => {
    expect(parseOtelList('OTEL_RESOURCE_ATTRIBUTES', 'novalue,=x,team=a%zz,ok=1')).toEqual([['team', 'a%zz'], ['ok', '1']]);
    parseOtelList('OTEL_RESOURCE_ATTRIBUTES', 'team=a%zz');
    expect(warnings).toHaveLength(3);
    expect(warnings.every((w) => w.startsWith('OTEL_RESOURCE_ATTRIBUTES has'))).toBe(true);
  });

  it('resource attributes are OTLP string attributes', () => {
    expect(resourceAttributesFrom('deployment.environment=prod,team=a%20b')).toEqual([
      { key: 'deployment.environment', value: { stringValue: 'prod' } },
      { key: 'team', value: { stringValue: 'a b' } },
    ]);
  });
});
