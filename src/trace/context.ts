import { AsyncLocalStorage } from 'node:async_hooks';
import type { LiveCall } from './call.js';

/** What is in force for code running now: the open call, extra attributes, a disabled flag. */
export interface Frame {
  readonly call: LiveCall | undefined;
  readonly attributes: Record<string, unknown> | undefined;
  readonly disabled: boolean;
}

// One storage per process, even when both the ESM and the CJS build of tracewire are loaded:
// otherwise a call made through one build would not see the parent opened through the other.
const KEY = Symbol.for('tracewire.context.v1');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<Frame> | undefined>;
export const storage: AsyncLocalStorage<Frame> = (holder[KEY] ??= new AsyncLocalStorage<Frame>());

/**
 * Exporter code running now on this synchronous stack (export-work.ts): none of it is recorded,
 * even where no frame says so (an app that only calls SDKs leaves AsyncLocalStorage off). Shared
 * by both builds, like the storage.
 */
export const exportWork: { depth: number } = ((globalThis as unknown as Record<symbol, { depth: number }>)[Symbol.for('tracewire.export-work.v1')] ??= { depth: 0 });

export function currentFrame(): Frame | undefined {
  return storage.getStore();
}

/**
 * The frame in which `call` is the open call, under `outer`'s attributes. Every frame that holds
 * a call is made here, so a call never passed here can have no children (LiveCall.mayHaveChildren).
 */
export function frameFor(call: LiveCall, outer: Frame | undefined): Frame {
  call.mayHaveChildren = true;
  return { call, attributes: outer?.attributes, disabled: false };
}
