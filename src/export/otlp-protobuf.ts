/**
 * OTLP's binary protobuf encoding (`http/protobuf`, `grpc`) of the spans otlp-span.ts builds in
 * their OTLP/JSON shape (a collector's protobuf answers are read in otlp-protobuf-answers.ts). Written by hand for the
 * few messages a trace export needs (opentelemetry-proto's trace/v1, common/v1, resource/v1
 * and collector/trace/v1), so that no protobuf library is added.
 */
import type { AnyValue, KeyValue, OtlpSpan } from './otlp-span.js';

export const VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;
/** The writer's buffer, grown as needed, is kept between uses up to this size (a span with capped inputs and output fits). */
const KEPT_BYTES = 256 * 1024;

/**
 * Appends protobuf fields to a growing buffer; a nested message's length is written once it is
 * known. One writer is reused for every span (encoding is synchronous), so its buffer is only
 * grown, never allocated per span.
 */
class ProtoWriter {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  private reserve(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  /** A non-negative integer below 2^53. */
  private varint(value: number): void {
    this.reserve(8);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  uint(field: number, value: number): void {
    this.tag(field, VARINT);
    this.varint(value);
  }

  /** An int64 given as a decimal string or number (OTLP/JSON writes 64-bit integers as strings). */
  int64(field: number, value: string | number): void {
    const number = Number(value);
    if (Number.isSafeInteger(number) && number >= 0) return this.uint(field, number);
    this.tag(field, VARINT);
    // Negative numbers are their 64-bit two's complement: ten bytes.
    let rest = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    while (rest >= 0x80n) {
      this.buf[this.pos++] = Number(rest & 0x7fn) | 0x80;
      rest >>= 7n;
    }
    this.buf[this.pos++] = Number(rest);
  }

  /** A fixed64 given as a decimal string (nanosecond times exceed 2^53). */
  fixed64(field: number, decimal: string): void {
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(decimal)), this.pos);
    this.pos += 8;
  }

  double(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.reserve(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  string(field: number, value: string): void {
    this.tag(field, LEN);
    // Written first, its length after: a UTF-8 string takes at most 3 bytes per UTF-16 unit.
    this.reserve(value.length * 3 + 5);
    const start = this.pos + 1;
    const length = this.buf.write(value, start, 'utf8');
    this.placeLength(start - 1, length);
  }

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, LEN);
    this.varint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Ids: OTLP/JSON writes their bytes as hex. Anything else is refused: the span is dropped, not sent with a broken id. */
  hex(field: number, hex: string): void {
    this.tag(field, LEN);
    this.reserve(hex.length / 2 + 2);
    const start = this.pos + 1;
    const length = this.buf.write(hex, start, 'hex');
    if (length * 2 !== hex.length) throw new RangeError(`${JSON.stringify(hex)} is no id in hex`);
    this.placeLength(start - 1, length);
  }

  /** A nested message, written by `body`. */
  message(field: number, body: () => void): void {
    this.tag(field, LEN);
    // One byte is kept for the length; placeLength makes room for a longer one.
    this.reserve(1);
    const lengthAt = this.pos++;
    body();
    this.placeLength(lengthAt, this.pos - lengthAt - 1);
  }

  /** Writes at `at` the length of the `length` bytes that follow it, moving them if it needs more than the one byte kept. */
  private placeLength(at: number, length: number): void {
    const extra = varintSize(length) - 1;
    if (extra > 0) {
      this.reserve(extra);
      this.buf.copyWithin(at + 1 + extra, at + 1, at + 1 + length);
    }
    this.pos = at + 1 + extra + length;
    let rest = length;
    while (rest >= 0x80) {
      this.buf[at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[at] = rest;
  }

  /** Starts over (a write that threw left its bytes behind). */
  reset(): void {
    this.pos = 0;
  }

  /** What was written since the last reset, as a copy of its own. */
  finish(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.pos);
    out.set(this.buf.subarray(0, this.pos));
    this.pos = 0;
    // A request body grows the buffer to megabytes: that is not kept between requests.
    if (this.buf.length > KEPT_BYTES) this.buf = Buffer.allocUnsafe(4096);
    return out;
  }
}

const writer = new ProtoWriter();

function encoded(write: (w: ProtoWriter) => void): Uint8Array<ArrayBuffer> {
  writer.reset();
  write(writer);
  return writer.finish();
}

function varintSize(value: number): number {
  let size = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    size++;
  }
  return size;
}

function writeAnyValue(w: ProtoWriter, value: AnyValue): void {
  // One member of a oneof is written even when it holds its type's default.
  if ('stringValue' in value) w.string(1, value.stringValue);
  else if ('boolValue' in value) w.uint(2, value.boolValue ? 1 : 0);
  else if ('intValue' in value) w.int64(3, value.intValue);
  else w.double(4, value.doubleValue);
}

function writeAttributes(w: ProtoWriter, field: number, attributes: readonly KeyValue[]): void {
  for (const { key, value } of attributes) {
    w.message(field, () => {
      w.string(1, key);
      w.message(2, () => writeAnyValue(w, value));
    });
  }
}

/** A `Span` message (trace/v1). */
export function encodeSpan(span: OtlpSpan): Uint8Array<ArrayBuffer> {
  return encoded((w) => writeSpan(w, span));
}

function writeSpan(w: ProtoWriter, span: OtlpSpan): void {
  w.hex(1, span.traceId);
  w.hex(2, span.spanId);
  if (span.parentSpanId !== undefined) w.hex(4, span.parentSpanId);
  w.string(5, span.name);
  w.uint(6, span.kind);
  w.fixed64(7, span.startTimeUnixNano);
  w.fixed64(8, span.endTimeUnixNano);
  writeAttributes(w, 9, span.attributes);
  for (const event of span.events) {
    w.message(11, () => {
      w.fixed64(1, event.timeUnixNano);
      w.string(2, event.name);
      writeAttributes(w, 3, event.attributes);
    });
  }
  if (span.status !== undefined) {
    const { code, message } = span.status;
    w.message(15, () => {
      if (message !== undefined) w.string(2, message);
      w.uint(3, code);
    });
  }
}

/** A `Resource` message (resource/v1). */
export function encodeResource(attributes: readonly KeyValue[]): Uint8Array<ArrayBuffer> {
  return encoded((w) => writeAttributes(w, 1, attributes));
}

/** An `ExportTraceServiceRequest` holding encoded spans of one resource and one instrumentation scope. */
export function encodeTraceRequest(resource: Uint8Array, scopeName: string, spans: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  return encoded((w) => w.message(1, () => {
    w.bytes(1, resource);
    w.message(2, () => {
      w.message(1, () => w.string(1, scopeName));
      for (const span of spans) w.bytes(2, span);
    });
  }));
}
