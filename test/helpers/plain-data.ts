/** Data for the snapshot tests: every recorded wire body, and random plain data. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WIRE = join(__dirname, '../fixtures/wire');

/** Every request and response body of the recorded exchanges. */
export function recordedBodies(): unknown[] {
  const bodies: unknown[] = [];
  for (const provider of readdirSync(WIRE, { withFileTypes: true }).filter((d) => d.isDirectory())) {
    for (const file of readdirSync(join(WIRE, provider.name)).filter((f) => f.endsWith('.json'))) {
      const fixture = JSON.parse(readFileSync(join(WIRE, provider.name, file), 'utf8')) as { exchanges?: Array<{ request?: { body?: unknown }; response?: { body?: unknown } }> };
      for (const exchange of fixture.exchanges ?? []) bodies.push(exchange.request?.body, exchange.response?.body);
    }
  }
  return bodies.filter((body) => body !== undefined);
}

/** Random plain data, with the odd undefined, -0, hole and secret-looking key. */
export function randomPlain(seed: number, depth = 0): unknown {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const make = (level: number): unknown => {
    const pick = next();
    if (level > 4 || pick < 0.35) {
      const leaf = [() => 'text '.repeat(Math.floor(next() * 20)), () => Math.floor(next() * 1e6) / 7, () => -0, () => true, () => null, () => undefined];
      return leaf[Math.floor(next() * leaf.length)]!();
    }
    if (pick < 0.6) {
      const items = Array.from({ length: Math.floor(next() * 6) }, () => make(level + 1));
      if (next() < 0.1) items.length += 2; // holes
      return items;
    }
    const keys = ['role', 'content', 'api_key', 'token', 'logprob', 'usage', 'x-api-key', 'model'];
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [keys[Math.floor(next() * keys.length)]!, make(level + 1)]));
  };
  return make(depth);
}
