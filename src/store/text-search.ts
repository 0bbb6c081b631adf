/**
 * Text search over the stored calls, case-insensitive in any script, in what was recorded:
 * the text columns as they are, and the values inside the JSON columns, never their key
 * names (searching "role" must not find every chat call).
 * SQLite's LIKE folds ASCII letters only, so "ÜBER" would not find "über": a search whose
 * letters all fold in ASCII uses LIKE (in C, the fast path for nearly every search), any
 * other one a function the store registers, which lower-cases both sides in JavaScript.
 */

/** Registered on every store connection (LocalStore). */
export const FOLDED_CONTAINS = 'tracewire_contains_folded';

/**
 * Registered on every store connection (LocalStore): the key the viewer sorts names by.
 * SQLite's NOCASE folds ASCII only, which sorts "Zebra" before "apple" once lower-cased and
 * "Äpfel" after "zebra": here accents are dropped (NFKD without combining marks) and case is
 * folded in any script (upper, then lower, so "ß" sorts as "ss"). This is no locale's
 * dictionary order (no Intl.Collator can serve as SQLite's collation through better-sqlite3),
 * but Latin, Greek and Cyrillic names come out where a reader looks for them.
 */
export const SORT_KEY = 'tracewire_sort_key';

export function sortKey(text: unknown): unknown {
  return typeof text === 'string' ? text.normalize('NFKD').replace(/\p{M}+/gu, '').toUpperCase().toLowerCase() : text;
}

/** JSON types whose values a search reads as text; true, false and null are not text anyone searches for. */
const SEARCHED_JSON_TYPES = "('text', 'integer', 'real')";

/** SQLite calls it per row and column: stored text, and the needle already lower-cased. */
export function containsFolded(stored: unknown, foldedNeedle: string): 0 | 1 {
  return typeof stored === 'string' && stored.toLowerCase().includes(foldedNeedle) ? 1 : 0;
}

/** `text` as it appears inside a stored JSON string (quotes, backslashes and controls escaped). */
function asStoredJson(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** `text` escaped for LIKE, anywhere in the value. */
function likeAnywhere(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** True when some letter of `text` has a case outside ASCII, which LIKE would not fold. */
export function needsUnicodeFolding(text: string): boolean {
  const beyondAscii = text.replace(/[\x00-\x7f]/g, '');
  return beyondAscii.toLowerCase() !== beyondAscii.toUpperCase();
}

interface Condition {
  sql: string;
  params: string[];
}

/** `expression` (text) holds `needle`, which is already in the form the expression stores. */
function holds(expression: string, needle: string, folded: boolean): Condition {
  return folded
    ? { sql: `${FOLDED_CONTAINS}(${expression}, ?)`, params: [needle.toLowerCase()] }
    : { sql: `${expression} LIKE ? ESCAPE '\\'`, params: [likeAnywhere(needle)] };
}

/**
 * Some value inside the JSON `column` holds `text`. The value's escaped form is in the stored
 * text whenever the value holds it, so the whole text is tested first (cheap) and only the
 * rows that pass are parsed, to tell a value from a key name.
 */
function jsonValueHolds(column: string, text: string, folded: boolean): Condition {
  const stored = holds(column, asStoredJson(text), folded);
  const value = holds('value', text, folded);
  return {
    sql: `(${stored.sql} AND json_valid(${column}) AND EXISTS (SELECT 1 FROM json_tree(${column}) ` +
      `WHERE type IN ${SEARCHED_JSON_TYPES} AND ${value.sql}))`,
    params: [...stored.params, ...value.params],
  };
}

/**
 * A condition true when any of the plain `textColumns`, or any value inside the JSON
 * `jsonColumns`, holds `text`; and its parameters in order.
 */
export function containsAnyOf(textColumns: readonly string[], jsonColumns: readonly string[], text: string): Condition {
  const folded = needsUnicodeFolding(text);
  const conditions = [
    ...textColumns.map((column) => holds(column, text, folded)),
    ...jsonColumns.map((column) => jsonValueHolds(column, text, folded)),
  ];
  return { sql: conditions.map((c) => c.sql).join(' OR '), params: conditions.flatMap((c) => c.params) };
}
