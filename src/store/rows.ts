/** Calls as the store's `calls` table holds them, and back. */
import type { Call, CallKind, CallStatus } from '../types.js';
import { errorMessage } from '../log.js';
import { startedAtMs } from './query.js';

function toJsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (error) {
    // Values should arrive serialized already; if one slipped through, keep the rest of the call.
    return JSON.stringify({ unserializable: errorMessage(error) });
  }
}

/** A call as the store keeps it: flat strings and numbers, cheap to hold until written. */
export interface CallRow {
  id: string;
  project: string;
  trace_id: string;
  parent_id: string | null;
  op_name: string;
  display_name: string;
  kind: string;
  status: string;
  started_at: string;
  started_at_ms: number;
  ended_at: string | null;
  inputs: string;
  output: string;
  exception: string | null;
  attributes: string;
  summary: string;
  /** The write that stored it (schema.ts): set by the store as it writes. */
  written_seq: number;
}

export function toRow(call: Call): CallRow {
  return {
    id: call.id,
    project: call.project,
    trace_id: call.traceId,
    parent_id: call.parentId,
    op_name: call.opName,
    display_name: call.displayName,
    kind: call.kind,
    status: call.status,
    started_at: call.startedAt,
    started_at_ms: startedAtMs(call),
    ended_at: call.endedAt,
    inputs: toJsonText(call.inputs),
    output: toJsonText(call.output),
    exception: call.exception === null ? null : toJsonText(call.exception),
    attributes: toJsonText(call.attributes),
    summary: toJsonText(call.summary),
    written_seq: 0,
  };
}

export function fromRow(row: CallRow): Call {
  return {
    id: row.id,
    traceId: row.trace_id,
    parentId: row.parent_id,
    project: row.project,
    opName: row.op_name,
    displayName: row.display_name,
    kind: row.kind as CallKind,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    status: row.status as CallStatus,
    inputs: JSON.parse(row.inputs) as Record<string, unknown>,
    output: JSON.parse(row.output) as unknown,
    exception: row.exception === null ? null : (JSON.parse(row.exception) as Call['exception']),
    attributes: JSON.parse(row.attributes) as Record<string, unknown>,
    summary: JSON.parse(row.summary) as Call['summary'],
  };
}
