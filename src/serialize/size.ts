/**
 * Rough JSON sizes of leaves, counted alike by every copy (walk.ts, plain-copy.ts and the
 * compiled copies of shape-copy.ts), so a value's size does not depend on which copy made it.
 * An estimate is all the queue bound needs.
 */

/** A finite number. */
export const NUMBER_BYTES = 8;
/** `true` or `false`. */
export const BOOLEAN_BYTES = 5;
/** `null`. */
export const NULL_BYTES = 4;
/** A string's quotes, beside its length. */
export const QUOTES_BYTES = 2;
