/**
 * Turns each case's raw result into a table on stdout, a section of results.json and the
 * SPEC §9 targets it speaks to. Units in results.json are in the key names.
 */
import { num, printTable, signed, spread, target } from './report.mjs';

const STORE_TARGET = 20_000;


export function summarizeOps(nullRun, localRun, disabledRun) {
  const data = {};
  const rows = [];
  for (const kind of ['sync', 'async']) {
    data[kind] = {};
    for (const [exporter, run] of [['null', nullRun], ['local', localRun], ['disabled', disabledRun]]) {
      const { bare, traced } = run[kind];
      data[kind][exporter] = {
        bareNs: bare.hotNs,
        tracedNs: traced.hotNs,
        addedNs: traced.addedHotNs,
        addedNsQuartiles: traced.addedHotNsQuartiles,
        tracedWithExportNs: traced.totalNs,
        addedWithExportNs: traced.addedTotalNs,
        addedWithExportCpuNs: traced.addedTotalCpuNs,
      };
      rows.push([
        `${kind} fn`, exporter === 'disabled' ? 'TRACEWIRE_DISABLED' : exporter,
        num(bare.hotNs), num(traced.hotNs), signed(traced.addedHotNs), spread(traced.addedHotNsQuartiles, 1, 1),
        signed(traced.addedTotalNs), signed(traced.addedTotalCpuNs),
      ]);
    }
  }
  printTable(
    `1. op() overhead, ns per call (${nullRun.calls.toLocaleString('en-US')} calls x ${nullRun.rounds} rounds, medians; "+export" includes flush())`,
    ['function', 'exporter', 'bare', 'op(fn)', 'added', 'added p25..p75', 'added +export', 'added +export CPU'],
    rows,
  );
  return { data, targets: [] };
}

export function summarizeStore(run) {
  const data = {
    calls: run.calls,
    stored: run.stored,
    dropped: run.dropped,
    inputBytes: run.payload.inputBytes,
    outputBytes: run.payload.outputBytes,
    endToEndMs: run.endToEndMs,
    recordsPerSecond: run.recordsPerSecond,
    storeWritesPerSecond: run.storeWritesPerSecond,
    callPathNsPerCall: run.callPathNsPerCall,
    pipelineNsPerRecord: run.pipelineNsPerRecord,
    storeWriteNsPerRecord: run.storeWriteNsPerRecord,
  };
  printTable(
    `5. local store, ${run.calls.toLocaleString('en-US')} op() calls of ~${run.payload.inputBytes} B in / ~${run.payload.outputBytes} B out, first call to flush()`,
    ['measure', 'value'],
    [
      ['end to end, records/s', num(run.recordsPerSecond, 0)],
      ['raw store write (local exporter), records/s', num(run.storeWritesPerSecond, 0)],
      ['time per record: call path (app thread), µs', num(run.callPathNsPerCall / 1e3, 2)],
      ['time per record: pipeline (privacy, records, idle), µs', num(run.pipelineNsPerRecord / 1e3, 2)],
      ['time per record: SQLite write, µs', num(run.storeWriteNsPerRecord / 1e3, 2)],
      ['stored / dropped', `${run.stored} / ${run.dropped}`],
    ],
  );
  return {
    data,
    targets: [
      target('store-rate', 'local store sustained records/s (end to end)', `>= ${STORE_TARGET.toLocaleString('en-US')}/s`,
        `${num(run.recordsPerSecond, 0)}/s` + (run.stored === run.calls ? '' : `, but only ${run.stored} of ${run.calls} calls stored`),
        run.recordsPerSecond >= STORE_TARGET && run.stored === run.calls),
    ],
  };
}

export function summarizeMemory(run) {
  const queueMB = run.maxQueueBytes / 1024 / 1024;
  const burstSamples = run.burst.samples;
  const burstPlateauMB = burstSamples.at(-1).heapUsedMB - burstSamples[burstSamples.length / 2 - 1].heapUsedMB;
  const data = {
    calls: run.calls,
    maxQueueMB: queueMB,
    baselineHeapMB: run.baseline.heapUsedMB,
    finalHeapMB: burstSamples.at(-1).heapUsedMB,
    peakHeapGrowthMB: run.peakHeapGrowthMB,
    rssGrowthMB: run.rssGrowthMB,
    burstPlateauGrowthMB: burstPlateauMB,
    dropped: run.dropped,
    exportCalls: run.exportCalls,
    steady: run.steady.samples,
    burst: burstSamples,
  };
  const rows = [['start', '', num(run.baseline.heapUsedMB), num(run.baseline.rssMB), '', '']];
  for (const [phase, samples] of [['steady', run.steady.samples], ['burst', burstSamples]]) {
    for (const s of samples) {
      rows.push([phase, s.afterCalls.toLocaleString('en-US'), num(s.heapUsedMB), num(s.rssMB), s.queued.toLocaleString('en-US'), s.dropped.toLocaleString('en-US')]);
    }
  }
  printTable(
    `6. memory, exporter that never resolves, ${run.calls.toLocaleString('en-US')} calls per phase (queue bound ${num(queueMB, 0)} MB; heap after full GC)`,
    ['phase', 'calls', 'heapUsed MB', 'RSS MB', 'queued', 'dropped (total)'],
    rows,
  );
  const pass = run.peakHeapGrowthMB <= queueMB && burstPlateauMB < 5 && run.dropped > 0;
  return {
    data,
    targets: [
      target('memory', 'heap growth with a hanging exporter (peak; growth over 2nd half of the burst)',
        `<= queue bound (${num(queueMB, 0)} MB), flat`, `${num(run.peakHeapGrowthMB)} MB; ${signed(burstPlateauMB)} MB`, pass),
    ],
  };
}

/**
 * The minimal recording tracer of bench/cases/floor.mjs against the same bare client: a floor
 * to read tracewire's per-call figure against. Informative; no SPEC target.
 */
export function summarizeFloor(run, openai) {
  const bareUs = run.bare.cpuNs / 1e3;
  const percentOf = (ns) => (ns / run.bare.cpuNs) * 100;
  const added = (variant) => ({
    addedCpuUs: variant.addedCpuNs / 1e3,
    addedCpuPercent: percentOf(variant.addedCpuNs),
    addedCpuPercentInterval: variant.addedCpuNsInterval.map(percentOf),
  });
  const data = { calls: run.calls, rounds: run.rounds, recorded: run.recorded, bareCpuUs: bareUs, ...added(run.minimal) };
  // Runs from before the observing variant existed have no such entry.
  if (run.observing) data.observing = added(run.observing);
  const row = (name, figures) => [name, num(bareUs), signed(figures.addedCpuUs), `${signed(figures.addedCpuPercent)}%`,
    spread(figures.addedCpuPercentInterval, 1, 1)];
  const rows = [];
  if (data.observing) rows.push(row('observing only: sees each response, keeps no copy, makes no record', data.observing));
  rows.push(row('minimal recording tracer (bench/cases/floor.mjs)', data));
  if (openai) {
    rows.push(['tracewire (section 2, in-process)', num(openai.inProcess.bareCpuUs), signed(openai.inProcess.plainCpuUs),
      `${signed(openai.inProcess.plainCpuPercent)}%`, spread(openai.inProcess.plainCpuPercentInterval, 1, 1)]);
  }
  printTable(
    `7. reference, not a target: what observing the response costs, and the least a recording tracer does (copy in, copy out, one record), openai plain call (${run.calls} calls x ${run.rounds} rounds, CPU)`,
    ['tracer', 'bare µs/call', 'added µs', 'added', '95% CI %'],
    rows,
  );
  if (run.stream) data.stream = summarizeStreamFloor(run.stream, openai);
  return { data, targets: [] };
}

/** The same references for a stream, per chunk (runs from before they existed have none). */
function summarizeStreamFloor(stream, openai) {
  const perChunk = (ns) => ns / stream.chunks;
  const added = (variant) => ({ addedCpuNsPerChunk: perChunk(variant.addedCpuNs), addedCpuNsPerChunkInterval: variant.addedCpuNsInterval.map(perChunk) });
  const data = { streams: stream.streams, chunks: stream.chunks, rebuilt: stream.rebuilt, bareCpuNsPerChunk: perChunk(stream.bare.cpuNs), observing: added(stream.observing), minimal: added(stream.minimal) };
  const row = (name, figures) => [name, num(data.bareCpuNsPerChunk, 0), signed(figures.addedCpuNsPerChunk, 0), spread(figures.addedCpuNsPerChunkInterval)];
  const rows = [
    row('observing only: sees each chunk first, keeps no copy, makes no record', data.observing),
    row(`minimal stream recorder: also folds each chunk's text, one record per stream${stream.rebuilt ? '' : ' (TEXT NOT REBUILT)'}`, data.minimal),
  ];
  if (openai) {
    const inProcess = openai.inProcess;
    rows.push(['tracewire (section 3, in-process)', num(inProcess.bareStreamCpuNsPerChunk, 0), signed(inProcess.streamCpuNsPerChunk, 0), spread(inProcess.streamCpuNsPerChunkInterval)]);
  }
  printTable(
    `8. reference, not a target: the same for an openai stream of ${stream.chunks} chunks, per chunk (${stream.streams} streams x ${stream.bare.rounds} rounds, CPU)`,
    ['tracer', 'bare ns/chunk', 'added ns', '95% CI ns'],
    rows,
  );
  return data;
}
