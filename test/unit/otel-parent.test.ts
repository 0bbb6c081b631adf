/**
 * Which OpenTelemetry span an exported call hangs from (SPEC §7: "When an OpenTelemetry span is
 * active around a traced call, the exported span is its child"), with the application's own
 * spans opened around and inside tracewire's calls. The records go to an in-memory exporter and
 * are turned into spans by toOtlpSpan, as the `otlp` exporter does.
 */
import { context, INVALID_SPAN_CONTEXT, trace, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { op } from '../../src/index.js';
import { activeOtelSpanContext } from '../../src/export/otel-context.js';
import { toOtlpSpan } from '../../src/export/otlp-span.js';
import type { Call } from '../../src/types.js';
import { traced } from '../helpers/collect.js';

let app: Tracer;
/** The app's tracer for requests it does not sample: its spans are never exported. */
let sampledOut: Tracer;
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  app = new BasicTracerProvider().getTracer('app');
  sampledOut = new BasicTracerProvider({ sampler: new AlwaysOffSampler() }).getTracer('app');
});
afterAll(() => context.disable());

/** Runs `fn` inside a new active span of the app's, ended after. */
function inAppSpan<R>(tracer: Tracer, name: string, fn: (span: Span) => Promise<R>): Promise<R> {
  return tracer.startActiveSpan(name, async (span) => {
    try {
      return await fn(span);
    } finally {
      span.end();
    }
  });
}

// Stands for an SDK call: a leaf started through the same beginCall.
const llm = op(async function llm(tag: string) { return tag; }, { kind: 'llm' });

async function exported(t: ReturnType<typeof traced>): Promise<Record<string, { call: Call; span: ReturnType<typeof toOtlpSpan> }>> {
  const out: Record<string, { call: Call; span: ReturnType<typeof toOtlpSpan> }> = {};
  for (const call of await t.calls()) out[(call.inputs.tag as string | undefined) ?? call.opName] = { call, span: toOtlpSpan(call) };
  return out;
}

describe('a call inside an application span opened inside a tracewire op', () => {
  it('the op inside an app span: the call is the inner app span\'s child, in the same trace', async () => {
    const t = traced();
    let outer!: Span;
    let inner!: Span;
    const agent = op(async function agent() {
      await llm('direct');
      await inAppSpan(app, 'inner', async (span) => {
        inner = span;
        await llm('in-inner');
      });
    });
    await inAppSpan(app, 'outer', async (span) => {
      outer = span;
      await agent();
    });
    const spans = await exported(t);
    const traceId = outer.spanContext().traceId;
    expect(spans.agent!.span).toMatchObject({ traceId, parentSpanId: outer.spanContext().spanId });
    expect(spans.direct!.span).toMatchObject({ traceId, parentSpanId: spans.agent!.span.spanId });
    expect(spans['in-inner']!.span).toMatchObject({ traceId, parentSpanId: inner.spanContext().spanId });
    // tracewire's own call tree is unchanged: both calls are the op's children
    expect(spans['in-inner']!.call.parentId).toBe(spans.agent!.call.id);
    expect(spans['in-inner']!.call.traceId).toBe(spans.agent!.call.id);
  });

  it('a root op, then an app span inside it: the call joins the app span\'s trace as its child', async () => {
    const t = traced();
    let inner!: Span;
    const agent = op(async function agent() {
      await inAppSpan(app, 'retrieve', async (span) => {
        inner = span;
        await llm('in-inner');
      });
    });
    await agent();
    const spans = await exported(t);
    expect(spans.agent!.span.parentSpanId).toBeUndefined();
    expect(spans['in-inner']!.span).toMatchObject({ traceId: inner.spanContext().traceId, parentSpanId: inner.spanContext().spanId });
    expect(spans['in-inner']!.call.parentId).toBe(spans.agent!.call.id);
  });

  it('an op started inside that app span keeps its descendants in the app span\'s trace', async () => {
    const t = traced();
    let inner!: Span;
    const step = op(async function step() { await llm('nested'); });
    const agent = op(async function agent() {
      await inAppSpan(app, 'retrieve', async (span) => {
        inner = span;
        await step();
      });
    });
    await agent();
    const spans = await exported(t);
    const traceId = inner.spanContext().traceId;
    expect(spans.step!.span).toMatchObject({ traceId, parentSpanId: inner.spanContext().spanId });
    expect(spans.nested!.span).toMatchObject({ traceId, parentSpanId: spans.step!.span.spanId });
  });
});

describe('a sampled-out application span (traceFlags without the sampled bit)', () => {
  it('a trace begun inside it is exported as a trace of its own, not as the child of a span never exported', async () => {
    const t = traced();
    const agent = op(async function agent() { await llm('child'); });
    await inAppSpan(sampledOut, 'request', async () => { await agent(); });
    const spans = await exported(t);
    const own = spans.agent!.call.id.replaceAll('-', '');
    expect(spans.agent!.span.traceId).toBe(own);
    expect(spans.agent!.span.parentSpanId).toBeUndefined();
    expect(spans.agent!.call.attributes.otelParent).toBeUndefined();
    expect(spans.child!.span).toMatchObject({ traceId: own, parentSpanId: spans.agent!.span.spanId });
  });

  it('a call inside one opened within an op stays the op\'s child', async () => {
    const t = traced();
    const agent = op(async function agent() {
      await inAppSpan(sampledOut, 'retrieve', async () => { await llm('in-inner'); });
    });
    await inAppSpan(app, 'request', async () => { await agent(); });
    const spans = await exported(t);
    expect(spans['in-inner']!.span).toMatchObject({ traceId: spans.agent!.span.traceId, parentSpanId: spans.agent!.span.spanId });
  });
});

describe('activeOtelSpanContext()', () => {
  it('is the active span inside startActiveSpan, undefined outside or with the API\'s invalid ids', async () => {
    expect(activeOtelSpanContext()).toBeUndefined();
    await inAppSpan(app, 'outer', async (span) => {
      const expected = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      expect(activeOtelSpanContext()).toMatchObject(expected);
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(activeOtelSpanContext()).toMatchObject(expected);
    });
    expect(activeOtelSpanContext()).toBeUndefined();
    await inAppSpan(sampledOut, 'unsampled', async () => expect(activeOtelSpanContext()).toMatchObject({ sampled: false }));
    await inAppSpan(app, 'sampled', async () => expect(activeOtelSpanContext()).toMatchObject({ sampled: true }));
    const invalid = trace.setSpanContext(context.active(), INVALID_SPAN_CONTEXT);
    expect(context.with(invalid, () => activeOtelSpanContext())).toBeUndefined();
  });

  it('is undefined once no context manager is registered', () => {
    context.disable();
    try {
      expect(trace.getTracer('x').startActiveSpan('s', (span) => { span.end(); return activeOtelSpanContext(); })).toBeUndefined();
    } finally {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    }
  });
});
