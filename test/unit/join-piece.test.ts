import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { joinPiece } from '../../integrations/shared/text.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes the heap holds after full collections. */
function heapUsed(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

/** A new two-character string per call, held by nothing else (as a parsed chunk's text is). */
const piece = (i: number) => String.fromCharCode(97 + (i % 26)) + String(i % 10);

describe('joinPiece', () => {
  it('joins exactly what `+` joins, whatever the lengths', () => {
    let joined = '';
    let plain = '';
    for (let i = 0; i < 5000; i++) {
      const next = i % 97 === 0 ? 'x'.repeat(i % 300) : piece(i);
      joined = joinPiece(joined, next);
      plain += next;
      if (i % 499 === 0) expect(joined).toBe(plain);
    }
    expect(joined).toBe(plain);
    expect(joinPiece('', '')).toBe('');
    expect(joinPiece('abc', '')).toBe('abc');
  });

  it('does not keep every piece alive: the text it returns holds a few bytes per character, not a rope of pieces', () => {
    const pieces = 100_000;
    const kept: string[] = [];
    const before = heapUsed();
    let text = '';
    for (let i = 0; i < pieces; i++) text = joinPiece(text, piece(i));
    kept.push(text);
    const flattened = heapUsed() - before;
    let rope = '';
    for (let i = 0; i < pieces; i++) rope += piece(i);
    kept.push(rope);
    const unflattened = heapUsed() - before - flattened;
    expect(text).toBe(rope);
    // A rope costs a cell and a string per piece (over 40 bytes per piece here); the joined
    // text is flat but for the pieces since its last step (at most an eighth of them).
    expect(unflattened).toBeGreaterThan(pieces * 40);
    expect(flattened).toBeLessThan(unflattened / 4);
  });
});
