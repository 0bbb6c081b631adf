/**
 * Figures from one sdk-calls case (bench/cases/sdk-calls.mjs), shared by the openai section and
 * the per-SDK table: what the traced client adds per plain call and per streamed chunk, in the
 * same process as the bare one, and what TRACEWIRE_DISABLED adds. CPU time decides.
 */

/** SPEC §9: added CPU per non-streaming call, and per streamed chunk. */
export const CPU_TARGET_PERCENT = 5;
export const STREAM_TARGET_NS = 1_000;

/** Below this share of the bare figure a difference counts as noise even if it is consistent. */
const NOISE_SHARE = 0.01;

/**
 * A difference is "within noise" when the 95% interval of its median holds zero, or it is
 * under 1% of the bare figure.
 */
export function withinNoise(added, interval, bare) {
  return (interval[0] <= 0 && interval[1] >= 0) || Math.abs(added) <= bare * NOISE_SHARE;
}

/** Bare vs traced client in one process (a "traced" run). */
export function inProcessFigures({ plain, stream }) {
  const perChunk = (ns) => ns / stream.chunks;
  return {
    bareCpuUs: plain.bare.cpuNs / 1e3,
    tracedCpuUs: plain.traced.cpuNs / 1e3,
    bareWallUs: plain.bare.wallNs / 1e3,
    tracedWallUs: plain.traced.wallNs / 1e3,
    plainCpuUs: plain.traced.addedCpuNs / 1e3,
    plainCpuPercent: (plain.traced.addedCpuNs / plain.bare.cpuNs) * 100,
    plainCpuPercentQuartiles: plain.traced.addedCpuNsQuartiles.map((ns) => (ns / plain.bare.cpuNs) * 100),
    plainCpuPercentInterval: plain.traced.addedCpuNsInterval.map((ns) => (ns / plain.bare.cpuNs) * 100),
    plainWallPercent: (plain.traced.addedWallNs / plain.bare.wallNs) * 100,
    bareStreamCpuNsPerChunk: perChunk(stream.bare.cpuNs),
    tracedStreamCpuNsPerChunk: perChunk(stream.traced.cpuNs),
    bareStreamWallNsPerChunk: perChunk(stream.bare.wallNs),
    tracedStreamWallNsPerChunk: perChunk(stream.traced.wallNs),
    streamCpuNsPerChunk: perChunk(stream.traced.addedCpuNs),
    streamCpuNsPerChunkQuartiles: stream.traced.addedCpuNsQuartiles.map(perChunk),
    streamCpuNsPerChunkInterval: stream.traced.addedCpuNsInterval.map(perChunk),
    streamWallNsPerChunk: perChunk(stream.traced.addedWallNs),
    streamWallNsPerChunkQuartiles: stream.traced.addedWallNsQuartiles.map(perChunk),
  };
}

/** What the wrapped client adds with TRACEWIRE_DISABLED=true (a "disabled" run), and whether that is noise. */
export function disabledFigures({ plain, stream }) {
  const perChunk = (ns) => ns / stream.chunks;
  const recorded = plain.recorded + stream.recorded;
  return {
    plainCpuUs: plain.traced.addedCpuNs / 1e3,
    plainCpuPercent: (plain.traced.addedCpuNs / plain.bare.cpuNs) * 100,
    plainCpuPercentQuartiles: plain.traced.addedCpuNsQuartiles.map((ns) => (ns / plain.bare.cpuNs) * 100),
    plainCpuPercentInterval: plain.traced.addedCpuNsInterval.map((ns) => (ns / plain.bare.cpuNs) * 100),
    streamCpuNsPerChunk: perChunk(stream.traced.addedCpuNs),
    streamCpuNsPerChunkQuartiles: stream.traced.addedCpuNsQuartiles.map(perChunk),
    streamCpuNsPerChunkInterval: stream.traced.addedCpuNsInterval.map(perChunk),
    recorded,
    withinNoise: recorded === 0 &&
      withinNoise(plain.traced.addedCpuNs, plain.traced.addedCpuNsInterval, plain.bare.cpuNs) &&
      withinNoise(stream.traced.addedCpuNs, stream.traced.addedCpuNsInterval, stream.bare.cpuNs),
  };
}
