/** tracewire: public API. */
export { init, flush, Tracewire } from './client.js';
export { op, type Op, type Invoked } from './trace/op.js';
export { getCurrentCall, withAttributes, withTracingDisabled } from './trace/api.js';
export { wrapAnthropic, wrapCohere, wrapMistral, wrapOpenAI } from './wrappers.js';
export { MemoryExporter } from './export/memory.js';
export { ConsoleExporter } from './export/console.js';
export { OtlpExporter } from './export/otlp.js';
export { formatTrace } from './cli/format.js';
export {
  redactEmails,
  redactPhoneNumbers,
  redactCardNumbers,
  redactApiKeys,
  redactPII,
  piiRedactor,
} from './privacy/pii.js';
export type {
  Call,
  CallException,
  CallFilter,
  CallHandle,
  CallKind,
  CallQuery,
  CallStatus,
  Cost,
  Exporter,
  InitOptions,
  IntegrationName,
  IntegrationSettings,
  OpOptions,
  OpSettings,
  Summary,
  Usage,
} from './types.js';
