/** What a call is, apart from the call itself: shared by every call of one op or SDK method. */
import type { ShapeSite } from '../serialize/shape-copy.js';
import type { CallKind, OpSettings, Usage } from '../types.js';

/** Finds usage in an SDK method's output (an integration's `usage`), in objects made by each read: the call keeps them. */
export type UsageReader = (output: unknown, inputs: Record<string, unknown>) => Array<{ model: string; usage: Usage }>;

/** What export/pipeline.ts makes of `inputs` and `output` (undefined while the call runs). */
export interface RecordContent {
  inputs: Record<string, unknown>;
  output: unknown;
}

/**
 * What a call is, apart from its inputs: the same for every call of one op or one SDK method to
 * one server, so callers may share one object. Inputs are passed beside it and only their
 * snapshot is kept: a queued call must not keep the application's arguments alive.
 */
export interface CallSpec {
  opName: string;
  kind: CallKind;
  /** The op's or integration's settings: display name and postprocess hooks. */
  settings?: OpSettings;
  /** Facts about the call (integration, provider, base URL), merged over the context's attributes. */
  attributes?: Record<string, unknown>;
  /** Who served the call, for pricing. */
  provider?: string;
  /** Where this op's inputs and outputs are copied, so each learns its own shapes; made by the first call. */
  copySites?: { inputs: ShapeSite; output: ShapeSite };
}
