/**
 * Watching a promise a traced function returned, without changing what its caller sees.
 *
 * A reaction of tracewire's marks the promise handled, so if the caller never awaits it, its
 * rejection would no longer be reported as unhandled. A plain promise is therefore handed
 * back as the promise of that reaction, which settles the same way one step later (and is
 * unhandled exactly when the original would have been). A promise subclass carries methods of
 * its own, so the caller gets that very object and the watch is a side branch.
 */
import { describeError, warnOnce } from '../log.js';

export interface PromiseWatcher {
  value(value: unknown): void;
  error(error: unknown): void;
  /** Names tracewire's step in the warning if it throws. */
  site: string;
}

/** What to hand back in place of `promise` (itself, or its relay); `watcher` sees how it settled first. */
export function watchPromise(promise: Promise<unknown>, watcher: PromiseWatcher): Promise<unknown> {
  const seeValue = (value: unknown) => guarded(watcher, () => watcher.value(value));
  const seeError = (error: unknown) => guarded(watcher, () => watcher.error(error));
  if (Object.getPrototypeOf(promise) !== Promise.prototype) {
    // Through the subclass's own then(), which may read a value other than the base promise's.
    promise.then(seeValue, seeError);
    return promise;
  }
  return Promise.prototype.then.call(
    promise,
    (value) => {
      seeValue(value);
      return value;
    },
    (error) => {
      seeError(error);
      throw error;
    },
  );
}

/** The caller's promise settles as the original did, whatever tracewire's own step does. */
function guarded(watcher: PromiseWatcher, step: () => void): void {
  try {
    step();
  } catch (error) {
    warnOnce(`observe:${watcher.site}`, `observing ${watcher.site} failed; its record may be incomplete: ${describeError(error)}`);
  }
}
