/**
 * OTLP over TLS with the files of OTLP's environment (OTEL_EXPORTER_OTLP_CERTIFICATE, ..._CLIENT_CERTIFICATE,
 * ..._CLIENT_KEY, and their TRACES_ variants): a collector with a private CA that asks for a client
 * certificate, over HTTPS and over gRPC (grpc-js), and what happens when a file is missing or unreadable.
 * Certificates: test/fixtures/tls (README there).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OtlpExporter, type OtlpExporterOptions } from '../../src/export/otlp.js';
import { useGrpcCollector } from '../helpers/grpc-collector.js';
import { makeCall } from '../helpers/otlp.js';
import { decodeTraceBody } from '../helpers/otlp-decode.js';
import { warningsPerTest } from '../helpers/warnings.js';

const fixture = (name: string) => new URL(`../fixtures/tls/${name}`, import.meta.url).pathname;
const files = { ca: readFileSync(fixture('ca.pem')), key: readFileSync(fixture('server-key.pem')), cert: readFileSync(fixture('server.pem')) };
/** The environment an operator sets for a collector with a private CA that asks for a client certificate. */
const mtlsEnv = {
  OTEL_EXPORTER_OTLP_CERTIFICATE: fixture('ca.pem'),
  OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: fixture('client.pem'),
  OTEL_EXPORTER_OTLP_CLIENT_KEY: fixture('client-key.pem'),
};
const warnings = warningsPerTest();

describe('OTLP/HTTP over TLS', () => {
  const seen: Array<{ client: string | undefined; spans: number }> = [];
  let server: Server;
  let endpoint = '';
  beforeAll(async () => {
    server = createServer({ ...files, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = decodeTraceBody(req.headers['content-type'], Buffer.concat(chunks));
        const name = (req.socket as TLSSocket).getPeerCertificate().subject?.CN;
        const client = Array.isArray(name) ? name[0] : name;
        seen.push({ client, spans: body.resourceSpans[0].scopeSpans[0].spans.length });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
  });
  const exporter = (env: Record<string, string>, options: OtlpExporterOptions = {}) =>
    new OtlpExporter({ endpoint, env, maxAttempts: 1, ...options });

  it('trusts the private CA and shows the client certificate the collector asks for', async () => {
    const e = exporter(mtlsEnv);
    await e.export([makeCall(), makeCall()]);
    expect(seen).toEqual([{ client: 'tracewire test client', spans: 2 }]);
    expect(warnings).toEqual([]);
    await e.shutdown();
  });

  it('the same files given as options; the TRACES_ variables win over the general ones', async () => {
    const e = exporter({ OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: fixture('ca.pem'), OTEL_EXPORTER_OTLP_CERTIFICATE: fixture('server.pem') }, {
      clientCertificate: fixture('client.pem'), clientKey: fixture('client-key.pem'),
    });
    await e.export([makeCall()]);
    expect(seen).toHaveLength(1);
    await e.shutdown();
  });

  it('without the CA the server is not trusted, and without a client certificate the server refuses: the spans are dropped and reported', async () => {
    const untrusted = exporter({ OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: mtlsEnv.OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE, OTEL_EXPORTER_OTLP_CLIENT_KEY: mtlsEnv.OTEL_EXPORTER_OTLP_CLIENT_KEY });
    await untrusted.export([makeCall()]);
    expect(untrusted.droppedSpans).toBe(1);
    expect(warnings[0]).toMatch(/could not deliver spans to https:\/\/127\.0\.0\.1:\d+\/v1\/traces after 1 attempt\(s\): .*certificate/i);
    const anonymous = exporter({ OTEL_EXPORTER_OTLP_CERTIFICATE: mtlsEnv.OTEL_EXPORTER_OTLP_CERTIFICATE });
    await anonymous.export([makeCall()]);
    expect(anonymous.droppedSpans).toBe(1);
    expect(seen).toEqual([]);
    await untrusted.shutdown();
    await anonymous.shutdown();
  });

  it('a file that cannot be read is reported with its variable and path, and left out', async () => {
    const e = exporter({ ...mtlsEnv, OTEL_EXPORTER_OTLP_CLIENT_KEY: '/nowhere/client-key.pem' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^OTEL_EXPORTER_OTLP_CLIENT_KEY names "\/nowhere\/client-key.pem", which cannot be read \(.*ENOENT.*\); it is left out\.$/);
    await e.export([makeCall()]);
    expect(e.droppedSpans).toBe(1);
    await e.shutdown();
  });
});

describe('OTLP/gRPC over TLS', () => {
  const collector = useGrpcCollector(undefined, files);

  it('reaches a grpc-js server that asks for a client certificate signed by the private CA', async () => {
    const e = new OtlpExporter({ protocol: 'grpc', endpoint: collector.endpoint, env: mtlsEnv, maxAttempts: 1 });
    expect(e.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/opentelemetry/);
    await e.export([makeCall()]);
    expect(e.sentSpans).toBe(1);
    expect(collector.received).toHaveLength(1);
    expect(warnings).toEqual([]);
    await e.shutdown();
  });

  it('without the client certificate the server refuses the connection: dropped and reported', async () => {
    const e = new OtlpExporter({ protocol: 'grpc', endpoint: collector.endpoint, env: { OTEL_EXPORTER_OTLP_CERTIFICATE: fixture('ca.pem') }, maxAttempts: 1 });
    await e.export([makeCall()]);
    expect(e.droppedSpans).toBe(1);
    expect(collector.received).toHaveLength(0);
    expect(warnings).toHaveLength(1);
    await e.shutdown();
  });
});
