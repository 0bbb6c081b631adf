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

export function currentFrame(): Frame | undefined {
  return storage.getStore();
}

export function childFrame(parent: Frame | undefined, call: LiveCall): Frame {
  return { call, attributes: parent?.attributes, disabled: false };
}
