/** One wording for a key nobody reads (a typo, an option of another API), wherever options are checked. */
export function rejectUnknownKeys(record: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new TypeError(`unknown key "${key}" in ${where}; allowed keys: ${allowed.join(', ')}`);
    }
  }
}
