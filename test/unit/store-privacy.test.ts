import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flush, init, op } from '../../src/index.js';
import { clearTracewireEnv } from '../helpers/collect.js';

const SECRETS = ['sk-planted-apikey-7f3a9c', 'Bearer planted-auth-41be', 'planted-xapikey-90d2', 'planted-password-c0ffee', 'planted-custom-55aa'];

/** Every byte tracewire wrote in the store folder (database, WAL and shared memory files). */
function storeBytes(dir: string): string {
  return readdirSync(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
}

describe('the local store never holds a planted secret', () => {
  it('apiKey, Authorization, x-api-key, password and a custom key, 5 levels deep, in inputs and output', async () => {
    clearTracewireEnv();
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-secret-')), 'store');
    const tw = init({ dir, project: 'secrets', redactKeys: ['internalRef'], implicitlyPatchIntegrations: false });
    const deep = (leaf: Record<string, unknown>) => ({ l1: { l2: [{ l3: { l4: { l5: leaf } } }] } });
    const handler = op(function handle(request: unknown) {
      return deep({ headers: { authorization: SECRETS[1] }, internalRef: SECRETS[4], note: 'kept' });
    });
    handler(deep({ apiKey: SECRETS[0], headers: { Authorization: SECRETS[1], 'X-API-KEY': SECRETS[2] }, password: SECRETS[3], internalRef: SECRETS[4], visible: 'hello' }));
    await flush();
    const [call] = await tw.getCalls();
    expect(JSON.stringify(call)).toContain('hello');
    expect(JSON.stringify(call)).toContain('kept');
    const bytes = storeBytes(dir);
    expect(bytes).toContain('hello');
    for (const secret of SECRETS) expect(bytes).not.toContain(secret);
  });
});

describe('hostile values are recorded without throwing', () => {
  it('a 50 MB prompt, a 10,000-deep object, cycles, BigInt, Symbol, functions, buffers, Map, Set, Date, Error, class instances', async () => {
    clearTracewireEnv();
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-hostile-')), 'store');
    const tw = init({ dir, project: 'hostile', implicitlyPatchIntegrations: false });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) deep = deep.next = {} as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    class Point { constructor(public x: number, public y: number) {} }
    const everything = op(function everything(...args: unknown[]) {
      return args.length;
    });
    const huge = 'x'.repeat(50 * 1024 * 1024);
    expect(everything(huge, root, cyclic, 10n ** 30n, Symbol('s'), () => 1, Buffer.alloc(1 << 20), new Uint16Array(8),
      new Map([['k', 1]]), new Set([1]), new Date(0), new Error('inner'), new Point(1, 2))).toBe(13);
    await flush();
    const [call] = await tw.getCalls();
    const stored = JSON.stringify(call);
    expect(stored.length).toBeLessThan(3_000_000);
    expect(stored).toContain('[truncated');
    expect(stored).toContain('[Circular]');
    expect(stored).toContain('1000000000000000000000000000000n');
    expect(stored).toContain('"_type":"Point"');
    expect(call!.output).toBe(13);
  });
});
