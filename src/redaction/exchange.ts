// Structural redaction of what a task sent and received: sensitive headers, query parameters named
// like keys or tokens, and the password of `user:password@` URLs become REDACTED, and each value
// taken out is handed to the run's Scrubber so its copies elsewhere (bodies, logs, errors) go too.
import type { HttpExchange, HttpRequestSpec, HttpResponseSpec } from '../http/types.ts';
import { REDACTED, isSensitiveHeader, isSensitiveParam, type RedactionRules } from './rules.ts';
import { Scrubber } from './scrub.ts';
import { redactBody, redactPairs } from './body.ts';

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/**
 * Repeated Set-Cookie headers arrive joined with ", " (src/http/client.ts); split only where a new
 * `name=` starts, so the comma inside `Expires=Wed, 21 Oct …` stays.
 */
function setCookies(value: string): string[] {
  return value.split(/,\s*(?=[^;,=\s]+=)/);
}

/** The secret parts of a header value: the whole value, a credential after its scheme, cookie values. */
function headerSecrets(name: string, value: string): string[] {
  const out = [value];
  const lower = name.toLowerCase();
  if (lower === 'authorization' || lower === 'proxy-authorization') {
    const [scheme, credential] = [value.slice(0, value.indexOf(' ')), value.slice(value.indexOf(' ') + 1)];
    if (scheme !== '' && credential !== '') {
      out.push(credential);
      if (scheme.toLowerCase() === 'basic') {
        const plain = Buffer.from(credential, 'base64').toString('utf8');
        const colon = plain.indexOf(':');
        out.push(plain, ...(colon >= 0 ? [plain.slice(colon + 1)] : []));
      }
    }
  } else if (lower === 'cookie' || lower === 'set-cookie') {
    const pairs = lower === 'cookie' ? value.split(';') : setCookies(value).map((c) => c.split(';')[0] ?? '');
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq >= 0) out.push(pair.slice(eq + 1).trim());
    }
  }
  return out.filter((v) => v !== '');
}

/** Cookies keep their names (and Set-Cookie its attributes), so a trace still says which were sent. */
function redactedValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  const named = (pair: string): string => {
    const eq = pair.indexOf('=');
    return eq > 0 ? `${pair.slice(0, eq).trim()}=${REDACTED}` : REDACTED;
  };
  if (lower === 'cookie') return value.split(';').map(named).join('; ');
  if (lower === 'set-cookie') {
    return setCookies(value)
      .map((cookie) => {
        const [first = '', ...attributes] = cookie.split(';');
        return [named(first), ...attributes.map((a) => a.trim())].join('; ');
      })
      .join(', ');
  }
  return REDACTED;
}

export function redactHeaders(
  headers: Record<string, string>,
  rules: RedactionRules,
  scrubber: Scrubber,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (isSensitiveHeader(name, rules) && value !== '') {
      for (const s of headerSecrets(name, value)) scrubber.add(s);
      out[name] = redactedValue(name, value);
    } else {
      out[name] = value;
    }
  }
  return out;
}

/**
 * The URL with sensitive query values and any userinfo password replaced. The rest of the text is
 * kept byte for byte (no re-encoding), so replay and mocks still compare what the task asked for.
 */
export function redactUrl(url: string, rules: RedactionRules, scrubber: Scrubber = new Scrubber()): string {
  let text = url;
  const userinfo = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i.exec(text);
  if (userinfo?.[2]?.includes(':')) {
    const colon = userinfo[2].indexOf(':');
    const password = userinfo[2].slice(colon + 1);
    if (password !== '') {
      scrubber.add(decode(password));
      scrubber.add(password);
      text = `${userinfo[1]}${userinfo[2].slice(0, colon)}:${REDACTED}@${text.slice(userinfo[0].length)}`;
    }
  }
  const q = text.indexOf('?');
  if (q < 0) return text;
  const hash = text.indexOf('#', q);
  const end = hash < 0 ? text.length : hash;
  const query = redactPairs(text.slice(q + 1, end), (name) => isSensitiveParam(name, rules), scrubber);
  return `${text.slice(0, q + 1)}${query}${text.slice(end)}`;
}

function contentTypeOf(headers: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'content-type') return v;
  return undefined;
}

function structural(x: HttpExchange, rules: RedactionRules, scrubber: Scrubber): HttpExchange {
  const request: HttpRequestSpec = {
    ...x.request,
    url: redactUrl(x.request.url, rules, scrubber),
    headers: redactHeaders(x.request.headers, rules, scrubber),
  };
  if (typeof x.request.body === 'string' && x.request.bodyEncoding !== 'base64') {
    request.body = redactBody(x.request.body, contentTypeOf(x.request.headers), rules, scrubber);
  }
  const out: HttpExchange = { ...x, request };
  if (x.response) {
    out.response = {
      ...x.response,
      url: redactUrl(x.response.url, rules, scrubber),
      headers: redactHeaders(x.response.headers, rules, scrubber),
    };
    if (x.response.bodyEncoding !== 'base64') {
      out.response.body = redactBody(x.response.body, x.response.mimeType, rules, scrubber);
    }
  }
  return out;
}

function scrubbed<T extends HttpRequestSpec | HttpResponseSpec>(part: T, scrubber: Scrubber): T {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(part.headers)) headers[k] = scrubber.scrub(v);
  const out = { ...part, url: scrubber.scrub(part.url), headers };
  // Base64 bodies are binary: a text match inside them would be chance, and replacing it corrupts them.
  if (typeof part.body === 'string' && part.bodyEncoding !== 'base64') out.body = scrubber.scrub(part.body);
  return out;
}

/**
 * Redacts a run's exchanges. Every secret is collected first, so the first exchange's bodies also
 * lose a token that only a later request carried in a header.
 */
export function redactExchanges(
  exchanges: readonly HttpExchange[],
  rules: RedactionRules,
  scrubber: Scrubber,
): HttpExchange[] {
  const first = exchanges.map((x) => structural(x, rules, scrubber));
  if (scrubber.size === 0) return first;
  return first.map((x) => {
    const out: HttpExchange = { ...x, request: scrubbed(x.request, scrubber) };
    if (x.response) out.response = scrubbed(x.response, scrubber);
    if (x.error) out.error = { ...x.error, message: scrubber.scrub(x.error.message) };
    return out;
  });
}
