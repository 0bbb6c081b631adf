/**
 * How one request of encoded spans travels: OTLP/HTTP (otlp-http.ts) or OTLP/gRPC
 * (otlp-grpc.ts). The exporter (otlp.ts) owns batching, retries, deadlines and the endpoint's
 * down time; a transport makes one attempt at a time and says what came of it.
 */
import type { Encoded } from './otlp-encoding.js';

export interface AttemptOutcome {
  delivered: boolean;
  /** Delivered, but the collector says it rejected some spans. */
  rejected?: { count: number | string; reason: string | undefined };
  /** Not delivered: why, in a few words for a warning. */
  failure?: string;
  /** Not delivered, and the collector (or the network) said "later". */
  retryable?: boolean;
  /** How long the collector asked to wait first. */
  retryAfterMs?: number;
}

export interface OtlpTransport {
  /** Where requests go, for messages. */
  readonly url: string;
  /** A body made ready once for all of its attempts (compressed, framed). */
  prepare(body: Encoded): Promise<unknown>;
  /** One attempt; never rejects. */
  attempt(prepared: unknown, timeoutMs: number): Promise<AttemptOutcome>;
  /** Lets go of connections (the exporter's shutdown). */
  close?(): void;
}
