/** Digit counting shared by the number-shaped PII patterns (phones, cards). */

export function countDigits(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) digits++;
  }
  return digits;
}

/** Cheap pre-check so that ordinary prose skips the number patterns. */
export function hasDigits(text: string, minDigits: number): boolean {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && ++digits >= minDigits) return true;
  }
  return false;
}
