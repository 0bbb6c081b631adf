/**
 * The per-SDK part of the report: for each SDK, a plain chat and a streamed one through an
 * in-memory fetch, bare client vs wrapX client in one process (bench/cases/sdk-calls.mjs), and
 * the same with TRACEWIRE_DISABLED=true. These are in-process figures: what tracing costs the
 * rest of the process is measured once, with openai (section 2 and 3), and not repeated here.
 * openai's row repeats section 2 and 3's in-process figures, for comparison.
 */
import { CPU_TARGET_PERCENT, disabledFigures, inProcessFigures, STREAM_TARGET_NS } from './sdk-figures.mjs';
import { num, percent, printTable, signed, spread, target } from './report.mjs';

/** The SDK rows and their targets; `runs` maps an SDK's name to its { traced, disabled } results (either may be missing). */
export function summarizeSdks(runs) {
  const data = {};
  const rows = [];
  const notes = [];
  const targets = [];
  for (const [sdk, { traced, disabled }] of Object.entries(runs)) {
    if (!traced) continue;
    const t = inProcessFigures(traced);
    const d = disabled ? disabledFigures(disabled) : undefined;
    const recorded = traced.plain.recorded + traced.stream.recorded;
    data[sdk] = {
      calls: traced.plain.calls,
      streams: traced.stream.streams,
      chunks: traced.stream.chunks,
      rounds: traced.rounds,
      streamRounds: traced.stream.rounds ?? traced.rounds,
      inProcess: t,
      disabled: d,
      recorded,
      expectedRecords: traced.expectedRecords,
      outputRebuilt: traced.stream.outputRebuilt,
    };
    rows.push([
      sdk, `${traced.plain.calls} x ${traced.rounds}`,
      num(t.bareCpuUs), signed(t.plainCpuUs), percent(t.plainCpuPercent), spread(t.plainCpuPercentInterval, 1, 1),
      num(t.bareStreamCpuNsPerChunk, 0), signed(t.streamCpuNsPerChunk, 0), spread(t.streamCpuNsPerChunkInterval),
      d ? percent(d.plainCpuPercent) : 'n/a', d ? signed(d.streamCpuNsPerChunk, 0) : 'n/a',
    ]);
    notes.push(`${sdk} ${recorded}/${traced.expectedRecords}${traced.stream.outputRebuilt ? '' : ' (stream output NOT rebuilt)'}` +
      (d ? `, disabled ${d.recorded}` : ''));
    if (sdk === 'openai') continue; // its targets, process-wide tax included, come from summary-openai.mjs
    // A target is met when the top of the median's 95% interval meets it: a median alone can be noise.
    targets.push(
      target(`plain-cpu-${sdk}`, `added CPU per non-streaming call (${sdk}, in-process)`, `<= ${CPU_TARGET_PERCENT}% (95% CI)`,
        `${percent(t.plainCpuPercent)} (${signed(t.plainCpuUs)} µs of ${num(t.bareCpuUs)} µs), 95% CI ${spread(t.plainCpuPercentInterval, 1, 1)}%`,
        t.plainCpuPercentInterval[1] <= CPU_TARGET_PERCENT),
      target(`stream-chunk-${sdk}`, `added CPU time per streamed chunk (${sdk}, in-process)`, `< ${STREAM_TARGET_NS} ns (95% CI)`,
        `${signed(t.streamCpuNsPerChunk, 0)} ns, 95% CI ${spread(t.streamCpuNsPerChunkInterval)} ns`,
        t.streamCpuNsPerChunkInterval[1] < STREAM_TARGET_NS),
    );
    if (d) {
      targets.push(target(`disabled-${sdk}`, `TRACEWIRE_DISABLED vs no tracing (${sdk}, CPU)`, 'within noise',
        `${percent(d.plainCpuPercent)} per call, ${signed(d.streamCpuNsPerChunk, 0)} ns per chunk`, d.withinNoise));
    }
  }
  if (rows.length === 0) return { data, targets };

  const chunks = Object.values(data)[0].chunks;
  printTable(
    `4. per SDK: plain chat and a ${chunks}-event stream, bare vs wrapX client in one process (CPU, medians; calls + flush; ${Object.values(data)[0].streamRounds} stream rounds)`,
    ['sdk', 'calls x rounds', 'bare µs/call', 'added µs', 'added', '95% CI %', 'bare ns/chunk', 'added ns/chunk', '95% CI ns',
      'DISABLED /call', 'DISABLED ns/chunk'],
    rows,
  );
  console.log(`   traced records of expected: ${notes.join('; ')}`);
  return { data, targets };
}
