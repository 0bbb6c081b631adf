/** The privacy API: the pipeline the exporter runs, and the pieces users may call directly. */
export {
  applyPrivacy, isRedactionFailure, REDACTION_FAILED_PREFIX,
  type PrivacyConfig, type PrivacyField, type PrivacyHook,
} from './pipeline.js';
export {
  createKeyMatcher, DEFAULT_REDACT_KEYS, isSensitiveKey, keyMatcherFor, keyRedactionFor, normalizeKey, REDACTED,
  redactKeys, redactWithMatcher, type KeyMatcher,
} from './redact.js';
export { CONTENT_OMITTED, CONTENT_SUBTREE_KEYS, METADATA_STRING_KEYS, stripContent, TOKEN_CONTENT_KEYS } from './capture.js';
export {
  API_KEY_MARKER, CARD_MARKER, EMAIL_MARKER, PHONE_MARKER, passesLuhn, piiRedactor, redactApiKeys,
  redactCardNumbers, redactEmails, redactPhoneNumbers, redactPII, type PiiRedactorOptions,
} from './pii.js';
