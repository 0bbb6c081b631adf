/**
 * Text search over the stored JSON columns, case-insensitive in any script. SQLite's LIKE
 * folds ASCII letters only, so "ÜBER" would not find "über": a search whose letters all fold
 * in ASCII uses LIKE (in C, the fast path for nearly every search), any other one a function
 * the store registers, which lower-cases both sides in JavaScript.
 */

/** Registered on every store connection (LocalStore). */
export const FOLDED_CONTAINS = 'tracewire_contains_folded';

/** SQLite calls it per row and column: stored JSON text, and the needle as foldedNeedle made it. */
export function containsFolded(stored: unknown, foldedNeedle: string): 0 | 1 {
  return typeof stored === 'string' && stored.toLowerCase().includes(foldedNeedle) ? 1 : 0;
}

/** `text` as it appears inside a stored JSON string (quotes, backslashes and controls escaped). */
function asStoredJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** `text` as stored, escaped for LIKE, anywhere in the value. */
export function likePattern(text: string): string {
  return `%${asStoredJson(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** True when some letter of `text` has a case outside ASCII, which LIKE would not fold. */
export function needsUnicodeFolding(text: string): boolean {
  const beyondAscii = text.replace(/[\x00-\x7f]/g, '');
  return beyondAscii.toLowerCase() !== beyondAscii.toUpperCase();
}

/** A condition true when any of `columns` holds `text`, and its parameters. */
export function containsAnyOf(columns: readonly string[], text: string): { sql: string; params: string[] } {
  if (needsUnicodeFolding(text)) {
    const needle = asStoredJson(text).toLowerCase();
    return { sql: columns.map((column) => `${FOLDED_CONTAINS}(${column}, ?)`).join(' OR '), params: columns.map(() => needle) };
  }
  const pattern = likePattern(text);
  return { sql: columns.map((column) => `${column} LIKE ? ESCAPE '\\'`).join(' OR '), params: columns.map(() => pattern) };
}
