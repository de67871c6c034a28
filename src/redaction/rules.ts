// Which header and query-parameter names hold secrets. One list for every place that stores or
// shows what a task sent and received (traces, HAR recordings, logs, API answers), so a name
// redacted in one face is redacted in all of them. Configuration can only add names
// (`http.redact_headers`, `http.redact_query_params`), never remove the built-in ones.

/** What stands in for a redacted header or query value. */
export const REDACTED = '[REDACTED]';

/** Extra names from configuration; matched case-insensitively, like the built-in ones. */
export interface RedactionRules {
  headers: readonly string[];
  queryParams: readonly string[];
}

export const DEFAULT_REDACTION_RULES: RedactionRules = { headers: [], queryParams: [] };

/** Headers whose whole value is a credential. */
export const SENSITIVE_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];

/**
 * Query parameters named like keys or tokens, compared without case, `-`, `_` or `.`
 * (`api_key`, `API-Key` and `apikey` are one name). `appid` is here because APIs such as
 * OpenWeather (and our `weather-api` sample) take their API key under that name.
 */
export const SENSITIVE_PARAMS: readonly string[] = [
  'key',
  'apikey',
  'appid',
  'appkey',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'authtoken',
  'auth',
  'secret',
  'clientsecret',
  'password',
  'passwd',
  'pwd',
  'signature',
  'sig',
  'sessionid',
  'credential',
  'credentials',
  'privatekey',
];

/** A name ending in one of these is sensitive too (`x-auth-token`, `x-amz-signature`, `my_api_key`). */
const SENSITIVE_SUFFIXES = ['token', 'secret', 'password', 'apikey', 'signature'];

function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.]/g, '');
}

const suffixed = (n: string): boolean => SENSITIVE_SUFFIXES.some((s) => n.endsWith(s));

// Rules objects come from configuration and live as long as the process; build each set once.
const headerSets = new WeakMap<RedactionRules, Set<string>>();
const paramSets = new WeakMap<RedactionRules, Set<string>>();

export function isSensitiveHeader(name: string, rules: RedactionRules): boolean {
  let set = headerSets.get(rules);
  if (!set) {
    set = new Set([...SENSITIVE_HEADERS, ...rules.headers.map((h) => h.toLowerCase())]);
    headerSets.set(rules, set);
  }
  return set.has(name.toLowerCase()) || suffixed(normalise(name));
}

/**
 * Names that are too generic inside a body (`{"key": "user-42"}`, `{"auth": {...}}`) to be taken
 * for secrets there: values under them often come back in answers and outputs, and replacing
 * them would change what a replay returns. In a URL they stay sensitive.
 */
const GENERIC_IN_BODIES = new Set([
  'key',
  'auth',
  'sig',
  'appid',
  'appkey',
  'credential',
  'credentials',
  'sessionid',
]);

/** A JSON or form field of a request or response body that holds a secret (`client_secret`, `access_token`). */
export function isSensitiveBodyField(name: string, rules: RedactionRules): boolean {
  return !GENERIC_IN_BODIES.has(normalise(name)) && isSensitiveParam(name, rules);
}

export function isSensitiveParam(name: string, rules: RedactionRules): boolean {
  let set = paramSets.get(rules);
  if (!set) {
    set = new Set([...SENSITIVE_PARAMS, ...rules.queryParams.map(normalise)]);
    paramSets.set(rules, set);
  }
  const n = normalise(name);
  return set.has(n) || suffixed(n);
}
