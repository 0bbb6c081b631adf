/**
 * Streamed text is rebuilt by joining one small piece per chunk. Joined with `+`, the result is
 * a rope in V8: every piece stays a heap object of its own until the stream ends, and each
 * young-generation collection meanwhile copies all of them again. So the joined text is made
 * flat whenever its length crosses a step of an eighth to a sixteenth of itself (64 characters
 * at least): the pieces are then garbage, the flat copies add up to a few times the final
 * length, and no state is needed beside the string. On 200-chunk streams, the time the
 * collections add per chunk over the bare SDK fell from about 240 to 40 ns (openai) and from
 * about 150 to 25 ns (anthropic); for cohere and mistral it was within the noise before and after.
 */

/** Steps are never shorter than 2^6 characters. */
const MIN_STEP_BITS = 6;

/** `text + piece`, flattened now and then (see above). */
export function joinPiece(text: string, piece: string): string {
  const joined = text + piece;
  // The step is an eighth of the highest power of two not above the length: 8 to 16 steps per doubling.
  const stepBits = Math.max(MIN_STEP_BITS, 28 - Math.clz32(joined.length));
  if (text.length >> stepBits !== joined.length >> stepBits) flatten(joined);
  return joined;
}

/**
 * Converting a string to a number makes V8 flatten it in place: the rope becomes one flat
 * string and its pieces are released. The number is kept only so that no compiler drops the
 * conversion as unused.
 */
let lastNumber = 0;
function flatten(text: string): void {
  lastNumber = Number(text);
}
