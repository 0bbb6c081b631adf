/**
 * Newline-delimited JSON (Cohere API v1 streams, `application/stream+json`): one JSON value
 * per non-empty line, any line ending.
 */
export function parseNdjson(text: string): unknown[] {
  return text
    .split(/\r\n|\r|\n/)
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}
