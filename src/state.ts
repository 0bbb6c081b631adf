/**
 * The process-wide state of tracewire. Kept on globalThis so that the ESM and CJS builds,
 * when an application ends up loading both, share one configuration and one queue.
 */
import type { Recorder } from './export/recorder.js';
import type { ResolvedSettings } from './settings.js';

export interface TracewireState {
  /** True when init() ran and tracing is not disabled: the one check on every hot path. */
  enabled: boolean;
  settings: ResolvedSettings | undefined;
  recorder: Recorder | undefined;
}

const KEY = Symbol.for('tracewire.state.v1');
const holder = globalThis as unknown as Record<symbol, TracewireState | undefined>;

export const state: TracewireState = (holder[KEY] ??= { enabled: false, settings: undefined, recorder: undefined });
