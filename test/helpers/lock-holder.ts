/**
 * Another process holding a store's write lock, as a second app mid-write, a sqlite3 shell or
 * a backup may: it takes `BEGIN IMMEDIATE` and keeps it until `release()`, or on its own after
 * `selfReleaseMs` (what frees a test whose own thread is stuck waiting for the lock).
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export interface LockHolder {
  release(): void;
  /** Resolves to who released it: 'parent' (release()) or 'timeout'. */
  released: Promise<string>;
  kill(): void;
}

export async function holdStoreLock(storeDir: string, selfReleaseMs: number): Promise<LockHolder> {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const holder = spawn(process.execPath, ['-e', `
    const db = new (require(${JSON.stringify(betterSqlite)}))(${JSON.stringify(join(storeDir, 'tracewire.db'))});
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    const release = (by) => { db.exec('COMMIT'); db.close(); console.log('released by ' + by); process.exit(0); };
    setTimeout(() => release('timeout'), ${selfReleaseMs});
    process.stdin.on('data', () => release('parent'));`]);
  let out = '';
  const released = new Promise<string>((resolve) => {
    holder.on('exit', () => resolve(/released by (\w+)/.exec(out)?.[1] ?? `exited: ${out}`));
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('locked')) resolve();
    });
    holder.on('exit', () => reject(new Error(`the lock holder exited: ${out}`)));
  });
  return {
    release: () => void holder.stdin.write('release\n'),
    released,
    kill: () => void holder.kill('SIGKILL'),
  };
}
