// Bodies that carry credentials by field name: an OAuth token request (`client_secret`,
// `refresh_token`, `password` in a form or JSON body) and its answer (`access_token`). Fields named
// like secrets (rules.ts, isSensitiveBodyField) become REDACTED and their values join the run's
// scrubber. A body that is not JSON or a form, or does not parse (e.g. truncated), is left to
// value scrubbing alone; a body with nothing to redact is kept byte for byte.
import { REDACTED, isSensitiveBodyField, type RedactionRules } from './rules.ts';
import type { Scrubber } from './scrub.ts';

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1&secret=x` with the values of sensitive names replaced; shared by query strings and forms. */
export function redactPairs(text: string, sensitive: (name: string) => boolean, scrubber: Scrubber): string {
  return text
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq < 0) return part;
      const value = part.slice(eq + 1);
      if (value === '' || value === REDACTED || !sensitive(decode(part.slice(0, eq)))) return part;
      scrubber.add(decode(value));
      scrubber.add(value);
      return `${part.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
}

function walk(value: unknown, rules: RedactionRules, scrubber: Scrubber, hit: { n: number }): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, rules, scrubber, hit));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      (typeof v === 'string' || typeof v === 'number') &&
      v !== REDACTED &&
      isSensitiveBodyField(k, rules)
    ) {
      scrubber.add(String(v));
      out[k] = REDACTED;
      hit.n++;
    } else {
      out[k] = walk(v, rules, scrubber, hit);
    }
  }
  return out;
}

export function redactBody(
  body: string,
  contentType: string | undefined,
  rules: RedactionRules,
  scrubber: Scrubber,
): string {
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    return redactPairs(body, (name) => isSensitiveBodyField(name, rules), scrubber);
  }
  const start = body.trimStart()[0];
  if (!type.includes('json') && start !== '{' && start !== '[') return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const hit = { n: 0 };
  const redacted = walk(parsed, rules, scrubber, hit);
  return hit.n === 0 ? body : JSON.stringify(redacted);
}
