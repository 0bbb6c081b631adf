/** Test helpers: init tracewire with an in-memory exporter and read back what it recorded. */
import { beforeEach } from 'vitest';
import { flush, init } from '../../src/index.js';
import { resetWarnings, setLogSink } from '../../src/log.js';
import type { Call, Exporter, InitOptions } from '../../src/types.js';

export class CollectingExporter implements Exporter {
  readonly name = 'collecting';
  readonly byId = new Map<string, Call>();
  batches = 0;

  export(calls: Call[]): void {
    this.batches++;
    for (const call of calls) this.byId.set(call.id, call);
  }

  get calls(): Call[] {
    return [...this.byId.values()];
  }
}

export interface Traced {
  exporter: CollectingExporter;
  warnings: string[];
  /** Flushes, then returns every call recorded so far (last version of each). */
  calls(): Promise<Call[]>;
  one(opName: string): Promise<Call>;
}

export interface TracedOptions extends InitOptions {
  /**
   * TRACEWIRE_* variables set for this init() only: they are applied after the previous
   * test's variables are cleared, so an env-driven setting is what init() actually reads.
   */
  env?: Record<string, string>;
}

export function clearTracewireEnv(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('TRACEWIRE_')) delete process.env[key];
  }
}

export function traced(options: TracedOptions = {}): Traced {
  const { env, ...initOptions } = options;
  clearTracewireEnv();
  Object.assign(process.env, env);
  resetWarnings();
  const warnings: string[] = [];
  setLogSink((_level, message) => warnings.push(message));
  const exporter = new CollectingExporter();
  init({ exporters: [exporter], implicitlyPatchIntegrations: false, ...initOptions });
  const calls = async () => {
    await flush();
    return exporter.calls;
  };
  return {
    exporter,
    warnings,
    calls,
    async one(opName: string) {
      const matching = (await calls()).filter((c) => c.opName === opName);
      if (matching.length !== 1) throw new Error(`expected one call named ${opName}, found ${matching.length}`);
      return matching[0]!;
    },
  };
}

/**
 * A fresh tracewire per test, through a stable handle: test files write
 * `const t = tracedPerTest({ ... })` and use `t` in every test.
 */
export function tracedPerTest(options: TracedOptions = {}): Traced {
  let current: Traced | undefined;
  beforeEach(() => {
    current = traced(options);
  });
  const now = () => {
    if (!current) throw new Error('tracedPerTest: used outside a test');
    return current;
  };
  return {
    get exporter() {
      return now().exporter;
    },
    get warnings() {
      return now().warnings;
    },
    calls: () => now().calls(),
    one: (opName: string) => now().one(opName),
  };
}
