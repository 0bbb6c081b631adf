/**
 * A finished LiveCall becomes the Call record exporters receive. Runs off the hot path, in
 * batches. Privacy is enforced here and only here (SPEC §6), so every integration and every
 * exporter gets the same guarantees.
 */
import { assignKeys, copyKeys, setKey } from '../copy-keys.js';
import { warnOnce } from '../log.js';
import { applyPrivacy, keyRedactionFor } from '../privacy/index.js';
import { isoTime } from '../serialize/iso-time.js';
import { snapshot } from '../serialize/snapshot.js';
import type { ResolvedSettings } from '../settings.js';
import type { LiveCall } from '../trace/call.js';
import type { RecordContent } from '../trace/call-spec.js';
import type { Call, Summary } from '../types.js';

/**
 * A call is exported again when a child that outlived it adds usage, and a call with children
 * is exported once while it runs (LiveCall.announce); its inputs do not change by then, nor its
 * output once it ended, and the hooks must not run twice on them. The result is kept on the
 * call itself: a WeakMap entry per call (set, look-up, and the GC's ephemeron work) cost about
 * as much as the privacy pipeline it was saving. `output` stays undefined while the call runs.
 */
function processContent(call: LiveCall, settings: ResolvedSettings): RecordContent {
  const opSettings = call.spec.settings;
  // applyPrivacy works in place on the snapshots: nothing reads them after this. They were
  // key-redacted as they were taken (trace/call.ts).
  const content = (call.content ??= {
    inputs: applyPrivacy('inputs', call.inputs, {
      redactKeys: settings.redactKeys,
      keysRedacted: true,
      captureContent: settings.captureContent,
      warnOnce,
      opHook: opSettings?.postprocessInputs,
      globalHook: settings.postprocessInputs,
    }),
    output: undefined,
  });
  if (content.output === undefined && call.ended) {
    content.output = applyPrivacy('output', call.output, {
      redactKeys: settings.redactKeys,
      keysRedacted: true,
      captureContent: settings.captureContent,
      warnOnce,
      opHook: opSettings?.postprocessOutput,
      globalHook: settings.postprocessOutput,
    });
  }
  return content;
}

export function toRecord(call: LiveCall, settings: ResolvedSettings): Call {
  const { inputs, output } = processContent(call, settings);
  return {
    id: call.id,
    traceId: call.traceId,
    parentId: call.parentId,
    project: settings.project,
    opName: call.spec.opName,
    displayName: displayNameOf(call, inputs),
    kind: call.spec.kind,
    startedAt: isoTime(call.startedAt),
    endedAt: call.endedAt === null ? null : isoTime(call.endedAt),
    status: call.status,
    inputs,
    output: output ?? null,
    exception: call.exception,
    attributes: processedAttributes(call, settings),
    // A leaf's summary no longer changes: the record may have it as it is.
    summary: call.mayHaveChildren ? copySummary(call.summaryNow, settings) : call.summaryNow,
  };
}

/**
 * Consecutive calls usually share one attributes object (an integration's calls to one server,
 * or an op's calls with the global attributes): its redacted copy is made once, and each record
 * gets a shallow copy of it. The values inside are frozen, since records share them; the copy
 * kept here is not, because copying from a frozen object took V8's slow path.
 */
let lastAttributes: { source: object; redactKeys: readonly string[] | undefined; processed: Record<string, unknown> } | undefined;

function processedAttributes(call: LiveCall, settings: ResolvedSettings): Record<string, unknown> {
  const source = call.attributes;
  let last = lastAttributes;
  if (last === undefined || last.source !== source || last.redactKeys !== settings.redactKeys) {
    const copy = snapshot(source, undefined, keyRedactionFor(settings.redactKeys)).value as Record<string, unknown>;
    for (const key in copy) deepFreeze(copy[key]);
    last = lastAttributes = { source, redactKeys: settings.redactKeys, processed: copy };
  }
  // A spread, unlike copyKeys: nothing adds keys to a record's attributes, so every copy keeps
  // the kept object's hidden class, and V8 clones it in one step (about 12 ns against 95).
  return { ...last.processed };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** Keys tracewire writes into a summary, as numbers; anything else there was added by user code. */
const OWN_NUMBERS = new Set(['latencyMs', 'timeToFirstTokenMs', 'totalCost']);

/**
 * The summary as it is now: later roll-ups keep changing the call's own. What user code added
 * goes through the same key redaction and safe copy as inputs (a BigInt or a `token` key in
 * it must not cost the record, nor leave the process).
 */
function copySummary(summary: Summary, settings: ResolvedSettings): Summary {
  const copy: Summary = {};
  let added: Record<string, unknown> | undefined;
  for (const key in summary) {
    const value = summary[key];
    if (value === undefined) continue;
    if ((key === 'usage' || key === 'costs') && value !== null && typeof value === 'object') (copy as Record<string, unknown>)[key] = copyPerModel(value as Record<string, object>);
    else if (OWN_NUMBERS.has(key) && typeof value === 'number') copy[key] = value;
    else setKey((added ??= {}), key, value);
  }
  if (added !== undefined) assignKeys(copy, snapshot(added, undefined, keyRedactionFor(settings.redactKeys)).value as Record<string, unknown>);
  return copy;
}

function copyPerModel<T extends object>(perModel: Record<string, T>): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const model in perModel) setKey(copy, model, copyKeys(perModel[model]!));
  return copy;
}

/** A display-name function sees the redacted inputs, so it cannot leak what redaction removed. */
function displayNameOf(call: LiveCall, inputs: Record<string, unknown>): string {
  const custom = call.spec.settings?.callDisplayName;
  if (typeof custom === 'string') return custom;
  if (typeof custom === 'function') {
    try {
      const name = custom(inputs);
      if (typeof name === 'string' && name !== '') return name;
    } catch (error) {
      warnOnce(`display-name:${call.spec.opName}`, `callDisplayName of "${call.spec.opName}" threw; using the op name. ${String(error)}`);
    }
  }
  return call.spec.opName;
}
