/** Walking a declared path of property names through SDK objects, without ever throwing. */
export function resolvePath(root: unknown, path: readonly string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (node === null || (typeof node !== 'object' && typeof node !== 'function')) return undefined;
    try {
      node = (node as Record<string, unknown>)[key];
    } catch {
      return undefined;
    }
  }
  return node;
}
