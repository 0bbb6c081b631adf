import { describe, expect, it } from 'vitest';
import { idStamp, stampOf, uuidv7 } from '../../src/trace/ids.js';

describe('uuidv7', () => {
  it('is RFC 9562 version 7: time in the first 48 bits, version and variant bits set', () => {
    const before = Date.now();
    const id = uuidv7();
    const after = Date.now();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after + 1);
  });

  it('ids made in a row are unique and sort in creation order', () => {
    const ids = Array.from({ length: 20_000 }, () => uuidv7());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('an id made later from a stamp taken earlier sorts where the stamp was taken', () => {
    const before = Date.now();
    const stamps = Array.from({ length: 5_000 }, () => idStamp());
    const interleaved = uuidv7();
    // Made in reverse order, long after the stamps: the order is the stamps' order all the same.
    const ids = [...stamps].reverse().map((stamp) => uuidv7(stamp)).reverse();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(interleaved > ids.at(-1)!).toBe(true);
    const ms = Number.parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(stampOf(ms, 0)).toBe(stamps[0]! - (stamps[0]! % 0x1000));
    // The 12 bits after the version digit are the stamp's counter.
    expect(ids.map((id) => Number.parseInt(id.slice(15, 18), 16))).toEqual(stamps.map((stamp) => stamp % 0x1000));
  });

  it('writes the millisecond and the counter of a stamp in hex, dashed as a UUID', () => {
    expect(uuidv7(stampOf(0x0123_4567_89ab, 0xcde))).toMatch(/^01234567-89ab-7cde-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7(stampOf(0x035f_edcb_a987, 0x001))).toMatch(/^035fedcb-a987-7001-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('stays exact past 2039, when milliseconds since 1970 times 4096 outgrow a double', () => {
    const ms = Date.UTC(2080, 0, 1);
    const id = uuidv7(stampOf(ms, 0xfff));
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
    expect(id.slice(14, 18)).toBe('7fff');
  });
});
