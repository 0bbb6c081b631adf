/**
 * The TLS files of OTLP's environment (a private CA, a client certificate and its key), for both
 * transports. Each is read once, when the exporter is made; one that cannot be read is reported,
 * naming its variable and path, and left out: the connection then fails the way it would
 * without it, and says so.
 */
import { readFileSync } from 'node:fs';
import { errorMessage, warnOnce } from '../log.js';

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Paths to PEM files; the environment's variables win over them. */
export interface TlsPaths {
  /** The CA to trust instead of Node's own, as OpenTelemetry's exporters do (`OTEL_EXPORTER_OTLP_CERTIFICATE`). */
  certificate?: string;
  /** A client certificate and its key, for collectors that ask for one (`OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE`, `..._CLIENT_KEY`). */
  clientCertificate?: string;
  clientKey?: string;
}

const FILES: Array<[keyof TlsFiles, keyof TlsPaths, string]> = [
  ['ca', 'certificate', 'CERTIFICATE'],
  ['cert', 'clientCertificate', 'CLIENT_CERTIFICATE'],
  ['key', 'clientKey', 'CLIENT_KEY'],
];

export function tlsFiles(paths: TlsPaths, env: Record<string, string | undefined>): TlsFiles {
  const files: TlsFiles = {};
  for (const [field, option, suffix] of FILES) {
    const sources: Array<[string, string | undefined]> = [
      [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, env[`OTEL_EXPORTER_OTLP_TRACES_${suffix}`]],
      [`OTEL_EXPORTER_OTLP_${suffix}`, env[`OTEL_EXPORTER_OTLP_${suffix}`]],
      [`the otlp exporter's ${option} option`, paths[option]],
    ];
    const [source, path] = sources.find(([, value]) => value?.trim()) ?? [];
    if (path === undefined) continue;
    try {
      files[field] = readFileSync(path.trim());
    } catch (error) {
      warnOnce(`otlp-tls:${source}`, `${source} names ${JSON.stringify(path)}, which cannot be read (${errorMessage(error)}); it is left out.`);
    }
  }
  return files;
}
