// Secrets redaction, one module for every face: rules.ts (which names), exchange.ts (headers and
// URLs of HTTP exchanges), body.ts (secret fields of JSON and form bodies), scrub.ts (known values
// anywhere in text), write-only.ts (input fields marked writeOnly / format password), run.ts (a
// run's whole record), url-match.ts (replay and mocks comparing a redacted URL with a live one).
export { REDACTED, DEFAULT_REDACTION_RULES, type RedactionRules } from './rules.ts';
export { isSensitiveBodyField, isSensitiveHeader, isSensitiveParam } from './rules.ts';
export { Scrubber, MIN_SCRUB_LENGTH } from './scrub.ts';
export { redactExchanges, redactHeaders, redactUrl } from './exchange.ts';
export { redactBody } from './body.ts';
export { WRITE_ONLY_MASK, hasWriteOnlyFields, maskWriteOnly, type MaskedInput } from './write-only.ts';
export { redactRunRecord, runScrubber } from './run.ts';
export { redactedUrlMatches } from './url-match.ts';
