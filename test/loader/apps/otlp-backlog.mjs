// Records 40,000 calls for otlp (OTEL_EXPORTER_OTLP_ENDPOINT), many more than one round of
// requests carries, then simply ends: the exit flush takes over.
import { init, op } from 'tracewire';

init({ project: 'backlog', exporters: ['otlp'] });
const tiny = op(function tiny(i) {
  return i;
});
for (let i = 0; i < 40_000; i++) tiny(i);
console.log('done');
