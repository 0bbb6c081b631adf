/**
 * What a collector answers in protobuf, read without a protobuf library: an
 * ExportTraceServiceResponse's partial success, a google.rpc.Status's message, and the RetryInfo
 * among its details (gRPC's grpc-status-details-bin).
 */
import { FIXED32, FIXED64, LEN, VARINT } from './otlp-protobuf.js';

type Field = [number: number, value: number | Uint8Array];

/** A message's fields in order, as numbers (varints) or bytes (length-delimited); undefined when the bytes are no protobuf message. */
function readFields(bytes: Uint8Array): Field[] | undefined {
  const fields: Field[] = [];
  let pos = 0;
  const readVarint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= bytes.length || scale > 2 ** 63) throw new RangeError('truncated varint');
      const byte = bytes[pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 0x80;
    }
  };
  try {
    while (pos < bytes.length) {
      const tag = readVarint();
      const field = Math.floor(tag / 8);
      const wireType = tag % 8;
      if (wireType === VARINT) fields.push([field, readVarint()]);
      else if (wireType === LEN) {
        const length = readVarint();
        if (pos + length > bytes.length) return undefined;
        fields.push([field, bytes.subarray(pos, pos + length)]);
        pos += length;
      } else if (wireType === FIXED64) pos += 8;
      else if (wireType === FIXED32) pos += 4;
      else return undefined;
    }
  } catch {
    return undefined;
  }
  return pos === bytes.length ? fields : undefined;
}

/** A field's value; the last occurrence wins, as protobuf has it for a field that is not repeated. */
function fieldOf(fields: Field[] | undefined, number: number): number | Uint8Array | undefined {
  let value: number | Uint8Array | undefined;
  for (const [n, v] of fields ?? []) if (n === number) value = v;
  return value;
}

const text = (value: number | Uint8Array | undefined): string | undefined =>
  value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : undefined;

/** An `ExportTraceServiceResponse`'s partial success, when it says spans were rejected. */
export function partialSuccessOf(body: Uint8Array): { rejectedSpans: number; errorMessage: string | undefined } | undefined {
  const partial = fieldOf(readFields(body), 1);
  if (!(partial instanceof Uint8Array)) return undefined;
  const fields = readFields(partial);
  const rejected = fieldOf(fields, 1);
  if (typeof rejected !== 'number' || rejected <= 0) return undefined;
  return { rejectedSpans: rejected, errorMessage: text(fieldOf(fields, 2)) };
}

/** The message of a `google.rpc.Status`, the body a collector answers a failed protobuf request with. */
export function statusMessageOf(body: Uint8Array): string | undefined {
  return text(fieldOf(readFields(body), 2));
}

/**
 * The delay of a `google.rpc.RetryInfo` among a `google.rpc.Status`'s details (gRPC's
 * grpc-status-details-bin), in milliseconds: how long a collector that is throttling asks to wait.
 */
export function retryDelayOf(status: Uint8Array | undefined): number | undefined {
  if (status === undefined) return undefined;
  for (const [number, detail] of readFields(status) ?? []) {
    if (number !== 3 || !(detail instanceof Uint8Array)) continue;
    const any = readFields(detail);
    if (!text(fieldOf(any, 1))?.endsWith('/google.rpc.RetryInfo')) continue;
    const info = fieldOf(any, 2);
    const delay = info instanceof Uint8Array ? fieldOf(readFields(info), 1) : undefined;
    if (!(delay instanceof Uint8Array)) return undefined;
    const duration = readFields(delay);
    const seconds = fieldOf(duration, 1);
    const nanos = fieldOf(duration, 2);
    return (typeof seconds === 'number' ? seconds * 1000 : 0) + (typeof nanos === 'number' ? Math.round(nanos / 1e6) : 0);
  }
  return undefined;
}
