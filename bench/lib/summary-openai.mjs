/**
 * The openai part of the report. What tracing adds is measured two ways and then combined:
 * - in one process, bare client vs traced client, alternating rounds (what the traced call
 *   itself costs);
 * - across processes, untraced calls where tracewire traces SDK calls vs where it never
 *   loaded (what tracing costs every other promise in the process; invisible to the first
 *   way). A process that also uses op() is reported too, apart: its context costs every
 *   promise on Node 20/22, whatever tracewire does.
 * Verdicts use CPU time: on a shared machine wall time also counts waiting for a core.
 */
import { median } from './measure.mjs';
import { CPU_TARGET_PERCENT, disabledFigures, inProcessFigures, STREAM_TARGET_NS } from './sdk-figures.mjs';
import { num, percent, printTable, signed, spread, target } from './report.mjs';

/**
 * Per group of processes (run back to back), the `kind` process (tracingOn or opContext)
 * relative to the clean one; medians over the groups.
 */
function summarizeProcessTax(pairs, kind = 'tracingOn') {
  pairs = pairs.filter((pair) => pair[kind] !== undefined);
  if (pairs.length === 0) return undefined;
  const plainPercents = pairs.map((pair) => (pair[kind].plainCpuNsPerCall / pair.clean.plainCpuNsPerCall - 1) * 100);
  const streamNs = pairs.map((pair) => pair[kind].streamCpuNsPerChunk - pair.clean.streamCpuNsPerChunk);
  return {
    pairs: pairs.length,
    cleanPlainCpuUs: median(pairs.map((p) => p.clean.plainCpuNsPerCall)) / 1e3,
    tracingOnPlainCpuUs: median(pairs.map((p) => p[kind].plainCpuNsPerCall)) / 1e3,
    plainCpuPercent: median(plainPercents),
    plainCpuPercentRange: [Math.min(...plainPercents), Math.max(...plainPercents)],
    cleanStreamCpuNsPerChunk: median(pairs.map((p) => p.clean.streamCpuNsPerChunk)),
    tracingOnStreamCpuNsPerChunk: median(pairs.map((p) => p[kind].streamCpuNsPerChunk)),
    streamCpuNsPerChunk: median(streamNs),
    streamCpuNsPerChunkRange: [Math.min(...streamNs), Math.max(...streamNs)],
  };
}

export function summarizeOpenAI(traced, disabled, tax) {
  const { plain, stream } = traced;
  const chunks = stream.chunks;
  const inProcess = inProcessFigures(traced);
  const processTax = summarizeProcessTax(tax.pairs);
  // An app that also uses op() turns on AsyncLocalStorage, which on Node 20/22 slows every
  // promise: reported beside the SDK-only figure, not folded into the SDK call targets.
  const opContextTax = summarizeProcessTax(tax.pairs, 'opContext');
  // A process-wide figure below zero is noise, not a saving: it never lowers the verdict.
  const taxPercent = Math.max(0, processTax?.plainCpuPercent ?? 0);
  const taxNs = Math.max(0, processTax?.streamCpuNsPerChunk ?? 0);
  const combine = (percentInProcess) => ((1 + percentInProcess / 100) * (1 + taxPercent / 100) - 1) * 100;
  const total = {
    plainCpuPercent: combine(inProcess.plainCpuPercent),
    streamCpuNsPerChunk: inProcess.streamCpuNsPerChunk + taxNs,
    // The verdicts: a target is met when the top of the median's 95% interval meets it (a
    // median alone can be noise).
    plainCpuPercentUpper: combine(inProcess.plainCpuPercentInterval[1]),
    streamCpuNsPerChunkUpper: inProcess.streamCpuNsPerChunkInterval[1] + taxNs,
    includesProcessTax: processTax !== undefined,
  };
  const d = disabledFigures(disabled);

  printTable(
    `2. openai chat.completions.create, in-memory fetch, per call (${plain.calls} calls x ${traced.rounds} rounds, calls + flush, medians)`,
    ['measure', 'CPU µs', 'wall µs', 'added CPU', 'spread'],
    [
      ['bare client (same process as traced)', num(inProcess.bareCpuUs), num(inProcess.bareWallUs), '', ''],
      ['traced client (wrapOpenAI)', num(inProcess.tracedCpuUs), num(inProcess.tracedWallUs), percent(inProcess.plainCpuPercent),
        `95% CI ${spread(inProcess.plainCpuPercentInterval, 1, 1)}%`],
      ...(processTax ? [
        ['untraced calls, process never loaded tracewire', num(processTax.cleanPlainCpuUs), '', '', ''],
        ['untraced calls, process tracing SDK calls', num(processTax.tracingOnPlainCpuUs), '', percent(processTax.plainCpuPercent),
          `${processTax.pairs} pairs ${spread(processTax.plainCpuPercentRange, 1, 1)}%`],
      ] : []),
      ...(opContextTax ? [
        ['untraced calls, process also using op() (informative)', num(opContextTax.tracingOnPlainCpuUs), '', percent(opContextTax.plainCpuPercent),
          `${opContextTax.pairs} pairs ${spread(opContextTax.plainCpuPercentRange, 1, 1)}%`],
      ] : []),
      ['traced vs no tracewire at all (combined)', '', '', percent(total.plainCpuPercent), ''],
      ['TRACEWIRE_DISABLED vs bare', '', '', percent(d.plainCpuPercent), `95% CI ${spread(d.plainCpuPercentInterval, 1, 1)}%`],
    ],
  );
  printTable(
    `3. openai streamed chat, ${chunks} chunks per stream, per chunk (${stream.streams} streams x ${stream.rounds ?? traced.rounds} rounds after ${stream.warmupStreams} warm-up streams, medians)`,
    ['measure', 'CPU ns', 'wall ns', 'added CPU', 'added wall', 'spread (CPU)'],
    [
      ['bare client (same process as traced)', num(inProcess.bareStreamCpuNsPerChunk, 0), num(inProcess.bareStreamWallNsPerChunk, 0), '', '', ''],
      ['traced client (wrapOpenAI)', num(inProcess.tracedStreamCpuNsPerChunk, 0), num(inProcess.tracedStreamWallNsPerChunk, 0),
        signed(inProcess.streamCpuNsPerChunk, 0), signed(inProcess.streamWallNsPerChunk, 0),
        `95% CI ${spread(inProcess.streamCpuNsPerChunkInterval)}`],
      ...(processTax ? [
        ['untraced stream, process never loaded tracewire', num(processTax.cleanStreamCpuNsPerChunk, 0), '', '', '', ''],
        ['untraced stream, process tracing SDK calls', num(processTax.tracingOnStreamCpuNsPerChunk, 0), '',
          signed(processTax.streamCpuNsPerChunk, 0), '', `${processTax.pairs} pairs ${spread(processTax.streamCpuNsPerChunkRange)}`],
      ] : []),
      ...(opContextTax ? [
        ['untraced stream, process also using op() (informative)', num(opContextTax.tracingOnStreamCpuNsPerChunk, 0), '',
          signed(opContextTax.streamCpuNsPerChunk, 0), '', `${opContextTax.pairs} pairs ${spread(opContextTax.streamCpuNsPerChunkRange)}`],
      ] : []),
      ['traced vs no tracewire at all (combined)', '', '', signed(total.streamCpuNsPerChunk, 0), '', ''],
      ['TRACEWIRE_DISABLED vs bare', '', '', signed(d.streamCpuNsPerChunk, 0), '', `95% CI ${spread(d.streamCpuNsPerChunkInterval)}`],
    ],
  );
  console.log(`   traced records: ${plain.recorded + stream.recorded} of ${traced.expectedRecords} expected; ` +
    `stream output rebuilt: ${stream.outputRebuilt}; with TRACEWIRE_DISABLED: ${d.recorded} records`);

  const taxNote = (inside, outside, unit) => (processTax ? ` (in-process ${inside}${unit}, process-wide ${outside}${unit})` : ' (in-process only)');
  return {
    data: { inProcess, processTax, opContextTax, total, disabled: d, recorded: plain.recorded + stream.recorded, expectedRecords: traced.expectedRecords },
    targets: [
      target('plain-cpu', 'added CPU per non-streaming call', `<= ${CPU_TARGET_PERCENT}% (95% CI)`,
        percent(total.plainCpuPercent) + taxNote(percent(inProcess.plainCpuPercent), percent(processTax?.plainCpuPercent ?? 0), '') +
          `, 95% CI up to ${percent(total.plainCpuPercentUpper)}`,
        total.plainCpuPercentUpper <= CPU_TARGET_PERCENT),
      target('stream-chunk', 'added CPU time per streamed chunk', `< ${STREAM_TARGET_NS} ns (95% CI)`,
        `${signed(total.streamCpuNsPerChunk, 0)} ns` +
          taxNote(signed(inProcess.streamCpuNsPerChunk, 0), signed(processTax?.streamCpuNsPerChunk ?? 0, 0), ' ns') +
          `, 95% CI up to ${signed(total.streamCpuNsPerChunkUpper, 0)} ns`,
        total.streamCpuNsPerChunkUpper < STREAM_TARGET_NS),
      target('disabled', 'TRACEWIRE_DISABLED vs no tracing (openai, CPU)', 'within noise',
        `${percent(d.plainCpuPercent)} per call, ${signed(d.streamCpuNsPerChunk, 0)} ns per chunk`, d.withinNoise),
    ],
  };
}
