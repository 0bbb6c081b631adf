// Records five calls, prints `ready`, then idles until a signal ends it.
// MODE: none (no handler of its own), once-before (process.once before init()),
// prepend-once-after (process.prependOnceListener after init()), on-after (process.on after init()).
// SIGNAL: the signal its handler is for (default SIGTERM). EXPORTER: local or otlp.
import { init, op } from 'tracewire';

const mode = process.env.MODE ?? 'none';
const signal = process.env.SIGNAL ?? 'SIGTERM';

// A graceful shutdown that needs the event loop for a while before it exits on its own.
function shutDown() {
  console.log('app: shutting down');
  setTimeout(() => {
    console.log('app: shut down');
    process.exit(0);
  }, 300);
}

if (mode === 'once-before') process.once(signal, shutDown);
init({ project: 'signals', exporters: [process.env.EXPORTER ?? 'local'] });
if (mode === 'prepend-once-after') process.prependOnceListener(signal, shutDown);
if (mode === 'on-after') process.on(signal, shutDown);

const f = op(function f(i) {
  return i;
});
for (let i = 0; i < 5; i++) f(i);
setInterval(() => {}, 1000);
console.log('ready');
