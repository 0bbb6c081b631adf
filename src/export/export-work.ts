/**
 * The context an exporter's export(), flush() and shutdown() run in. A batch leaves from a timer
 * that the end of some app call set, so without this it would run inside that call: inside
 * tracewire's context (an SDK call an exporter makes would be recorded as that call's child,
 * and a pending request would keep that call's frame, and what it holds, alive) and inside the
 * app's OpenTelemetry span (its HTTP instrumentation would record the export).
 */
import { currentFrame, exportWork, storage, type Frame } from '../trace/context.js';
import { outsideOtelTracing } from './otel-context.js';

/** Nothing an exporter does is recorded, and it belongs to no call. */
const EXPORTING: Frame = Object.freeze({ call: undefined, attributes: undefined, disabled: true });

export function asExportWork<T>(work: () => T): T {
  // Without a frame there is no context to leave, and entering one would turn AsyncLocalStorage
  // on for the whole process, which an app that only calls SDKs never pays for: then only the
  // exporter's synchronous code is kept from being recorded (exportWork), which is what could
  // otherwise feed itself (each export recording a call that makes another export).
  const inCall = currentFrame() !== undefined;
  exportWork.depth++;
  try {
    return outsideOtelTracing(inCall ? () => storage.run(EXPORTING, work) : work);
  } finally {
    exportWork.depth--;
  }
}
