/** Keeps calls in memory so tests can assert on exactly what was recorded. */
import type { Call, CallQuery, CallReader, Exporter } from '../types.js';
import { filterCalls, orderTrace, validateQuery } from '../store/query.js';

export class MemoryExporter implements Exporter, CallReader {
  readonly name = 'memory';
  readonly acceptsRunning = true;
  // A Map keeps each id at the position it was first seen, while a re-export replaces the value.
  private readonly callsById = new Map<string, Call>();

  export(calls: Call[]): void {
    for (const call of calls) this.callsById.set(call.id, call);
  }

  exportSync(calls: Call[]): void {
    this.export(calls);
  }

  /** The latest version of every call, in the order each was first exported. */
  get calls(): Call[] {
    return [...this.callsById.values()];
  }

  clear(): void {
    this.callsById.clear();
  }

  getCalls(query: CallQuery | undefined, project: string): Call[] {
    return filterCalls(this.callsOf(project), validateQuery(query));
  }

  getCall(id: string, project: string): Call | null {
    const call = this.callsById.get(id);
    return call !== undefined && call.project === project ? call : null;
  }

  getTrace(traceId: string, project: string): Call[] {
    return orderTrace(this.callsOf(project).filter((call) => call.traceId === traceId));
  }

  private callsOf(project: string): Call[] {
    return this.calls.filter((call) => call.project === project);
  }
}
