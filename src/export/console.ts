import type { Call, Exporter } from '../types.js';

/** Prints one JSON line per finished call on stderr: for development, never for volume. */
export class ConsoleExporter implements Exporter {
  readonly name = 'console';

  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(line)) {}

  export(calls: Call[]): void {
    let out = '';
    for (const call of calls) out += `[tracewire] ${JSON.stringify(call)}\n`;
    this.write(out);
  }

  exportSync(calls: Call[]): void {
    this.export(calls);
  }
}
