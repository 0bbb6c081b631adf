/**
 * Streams the app lets go of without finishing them: never read and never aborted, or read
 * partly and dropped without `return()`. Nothing in the stream itself would ever end their
 * record, so it ends `cancelled`, with the output so far, when nothing can read the stream any
 * more (it was garbage-collected) or at process exit, whichever comes first; as observe.ts does
 * for a response nobody parsed.
 *
 * Nothing registered here may reference the stream or its iterators: a finalization
 * registry's held value keeps what it references alive, which would keep the stream forever.
 */
import { onProcessExit } from '../export/exit-tasks.js';
import type { StreamObserver } from './streams.js';

interface Watch {
  observer: StreamObserver;
  /** The stream object and each iterator observed over it: the record ends when all are collected. */
  live: number;
}

const open = new Set<Watch>();
const collected = new FinalizationRegistry<Watch>((watch) => {
  if (--watch.live <= 0) abandon(watch);
});
onProcessExit(() => {
  for (const watch of [...open]) abandon(watch);
});

function abandon(watch: Watch): void {
  open.delete(watch);
  watch.observer.cancel();
}

/**
 * Watches `stream` for the observer's record; returns how to add another object the app reads
 * the stream through (its iterator), which keeps the record open while it is reachable.
 */
export function watchAbandonment(stream: object, observer: StreamObserver): (reader: object) => void {
  const watch: Watch = { observer, live: 1 };
  open.add(watch);
  collected.register(stream, watch, watch);
  observer.whenSettled(() => {
    open.delete(watch);
    collected.unregister(watch);
  });
  return (reader) => {
    if (!open.has(watch)) return;
    watch.live++;
    collected.register(reader, watch, watch);
  };
}

const collectedBranches = new FinalizationRegistry<() => void>((close) => close());

/**
 * Tee branches of some SDK versions have no return(): when every branch was left early
 * (or dropped unread), nothing would tell the shared source. Each branch reports when it
 * is done with, and the source is closed when all of them are.
 */
export function trackBranches(branches: unknown[], closeSource: () => void): void {
  let remaining = branches.length;
  for (const branch of branches) {
    if (branch === null || typeof branch !== 'object') continue;
    const b = branch as { iterator?: unknown };
    const original = b.iterator;
    if (typeof original !== 'function') continue;
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      if (--remaining === 0) closeSource();
    };
    collectedBranches.register(branch, close);
    b.iterator = function branchIterator(this: unknown, ...args: unknown[]) {
      const source = (original as (...a: unknown[]) => AsyncIterator<unknown>).apply(this, args);
      return {
        [Symbol.asyncIterator]() {
          return this;
        },
        async next(...nextArgs: [] | [unknown]) {
          const result = await source.next(...nextArgs);
          if (result.done) close();
          return result;
        },
        async return(value?: unknown) {
          close();
          return source.return ? source.return(value) : { done: true as const, value };
        },
      };
    };
  }
}
