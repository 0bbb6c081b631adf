/** Exporter specs from settings (names or objects) become exporter instances. */
import { warn } from '../log.js';
import type { ResolvedSettings } from '../settings.js';
import type { Exporter } from '../types.js';
import { ConsoleExporter } from './console.js';
import { LocalExporter } from './local.js';
import { MemoryExporter } from './memory.js';
import { OtlpExporter } from './otlp.js';

export function createExporters(settings: ResolvedSettings): Exporter[] {
  const exporters: Exporter[] = [];
  for (const spec of settings.exporters) {
    if (typeof spec === 'object') {
      exporters.push(spec);
      continue;
    }
    switch (spec) {
      case 'local':
        exporters.push(new LocalExporter({ dir: settings.dir, warn }));
        break;
      case 'memory':
        exporters.push(new MemoryExporter());
        break;
      case 'console':
        exporters.push(new ConsoleExporter());
        break;
      case 'otlp':
        exporters.push(new OtlpExporter({ maxBufferedChars: settings.maxQueueBytes, ...settings.otlp, serviceName: settings.project }));
        break;
      case 'none':
        break;
    }
  }
  return exporters;
}
