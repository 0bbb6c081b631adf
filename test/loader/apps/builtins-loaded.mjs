// Which of Node's heavier built-in modules tracing loads: node:http(s), node:http2 and node:zlib
// only when an otlp exporter needs them, never for the local store alone.
import { flush, init, op } from 'tracewire';

const loaded = () => ['http', 'https', 'http2', 'zlib'].filter((name) => process.moduleLoadList.includes(`NativeModule ${name}`));
const before = loaded();
init({ implicitlyPatchIntegrations: false });
await op(async function answer() { return 42; })();
await flush();
console.log(`@@result ${JSON.stringify({ before, after: loaded() })}`);
