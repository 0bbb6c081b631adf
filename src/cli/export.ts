/**
 * `tracewire export`: the calls of a project (or of one trace), oldest first, as JSON Lines
 * (one record per line, exactly as getCalls returns it) or as CSV (one row per call, the
 * nested fields as JSON in their cells). Read from the store a page at a time, so a store of
 * any size is exported in bounded memory.
 */
import type { LocalStore } from '../store/local-store.js';
import type { Call } from '../types.js';
import { tokensOf } from './format.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const PAGE_SIZE = 500;

/** Where the text goes; a promise when the caller must wait before writing more. */
export type Write = (text: string) => void | Promise<void>;

/** Writes the calls `pages` yields, in their order; returns how many there were. */
export async function exportCalls(pages: Iterable<Call[]>, format: ExportFormat, write: Write): Promise<number> {
  const row = format === 'csv' ? csvRow : jsonLine;
  if (format === 'csv') await write(csvLine(CSV_COLUMNS.map((column) => column.name)));
  let count = 0;
  for (const page of pages) {
    let text = '';
    for (const call of page) text += row(call);
    count += page.length;
    await write(text);
  }
  return count;
}

/** Every call of `project`, oldest first, read a page at a time. */
export function* projectPages(store: LocalStore, project: string): Generator<Call[]> {
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const page = store.getCalls({ sortBy: [{ field: 'startedAt', direction: 'asc' }], limit: PAGE_SIZE, offset }, project);
    if (page.length > 0) yield page;
    if (page.length < PAGE_SIZE) return;
  }
}

function jsonLine(call: Call): string {
  return `${JSON.stringify(call)}\n`;
}

type Cell = string | number | null | undefined;

interface Column {
  name: string;
  value(call: Call): Cell;
  /** Free text a spreadsheet could take for a formula (see `neutralized`). */
  text?: true;
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

const CSV_COLUMNS: Column[] = [
  { name: 'id', value: (c) => c.id, text: true },
  { name: 'traceId', value: (c) => c.traceId, text: true },
  { name: 'parentId', value: (c) => c.parentId, text: true },
  { name: 'project', value: (c) => c.project, text: true },
  { name: 'opName', value: (c) => c.opName, text: true },
  { name: 'displayName', value: (c) => c.displayName, text: true },
  { name: 'kind', value: (c) => c.kind, text: true },
  { name: 'status', value: (c) => c.status, text: true },
  { name: 'startedAt', value: (c) => c.startedAt },
  { name: 'endedAt', value: (c) => c.endedAt },
  { name: 'latencyMs', value: (c) => c.summary.latencyMs },
  { name: 'timeToFirstTokenMs', value: (c) => c.summary.timeToFirstTokenMs },
  { name: 'inputTokens', value: (c) => tokensOf(c.summary)?.input },
  { name: 'outputTokens', value: (c) => tokensOf(c.summary)?.output },
  { name: 'totalCost', value: (c) => c.summary.totalCost },
  { name: 'exceptionType', value: (c) => c.exception?.type, text: true },
  { name: 'exceptionMessage', value: (c) => c.exception?.message, text: true },
  { name: 'inputs', value: (c) => json(c.inputs) },
  { name: 'output', value: (c) => json(c.output) },
  { name: 'attributes', value: (c) => json(c.attributes) },
  { name: 'summary', value: (c) => json(c.summary) },
];

function csvRow(call: Call): string {
  return csvLine(CSV_COLUMNS.map((column) => {
    const value = column.value(call);
    return column.text && typeof value === 'string' ? neutralized(value) : value;
  }));
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF ends a record. */
function csvLine(cells: Cell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function csvField(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Recorded text is untrusted (a model's output, a user's prompt): a cell a spreadsheet would
 * run as a formula (starting with =, +, -, @, tab or carriage return) gets a leading
 * apostrophe, as OWASP advises for CSV files opened in spreadsheets. JSON cells start with
 * `{`, `[`, `"` or a literal and need none.
 */
function neutralized(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
