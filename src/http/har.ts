// HAR 1.2 recordings of HTTP exchanges (the `requests.har` of `run-once --record`, COMPAT.md §5).
// Ratchet-specific facts ride in `_`-prefixed fields, which HAR reserves for extensions:
// `_error` on failed entries, `_url` for the final URL after redirects, `_encoding` on base64 bodies.
import { ratchetVersion } from '../version.ts';
import type { HttpExchange, HttpRequestSpec, HttpResponseSpec } from './types.ts';

export { harToExchanges } from './har-read.ts';

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarPostData {
  mimeType: string;
  text: string;
  _encoding?: 'base64';
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  headers: HarNameValue[];
  queryString: HarNameValue[];
  cookies: HarNameValue[];
  headersSize: number;
  bodySize: number;
  postData?: HarPostData;
}

export interface HarContent {
  size: number;
  mimeType: string;
  text?: string;
  encoding?: 'base64';
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  headers: HarNameValue[];
  cookies: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  _url?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  send: number;
  wait: number;
  receive: number;
  ssl: number;
}

export interface HarEntry {
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  _error?: { type: string; message: string };
}

export interface HarCreator {
  name: string;
  version: string;
}

export interface HarLog {
  log: {
    version: '1.2';
    creator: HarCreator;
    entries: HarEntry[];
    /** HAR 1.2's free-text remark; Ratchet's recordings say what was redacted. */
    comment?: string;
  };
}

function toNameValues(headers: Record<string, string>): HarNameValue[] {
  return Object.entries(headers).map(([name, value]) => ({ name, value }));
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function byteLength(body: string, encoding: string | undefined): number {
  return Buffer.byteLength(body, encoding === 'base64' ? 'base64' : 'utf8');
}

function requestCookies(headers: Record<string, string>): HarNameValue[] {
  const cookie = headerValue(headers, 'cookie');
  if (!cookie) return [];
  return cookie
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq < 0 ? { name: pair, value: '' } : { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
    });
}

function responseCookies(headers: Record<string, string>): HarNameValue[] {
  const setCookie = headers['set-cookie'];
  if (!setCookie) return [];
  // Repeated Set-Cookie headers were joined with ", "; split only where a new name=value starts,
  // so the comma inside an Expires date stays put. Only name and value are recorded.
  return setCookie.split(/,\s*(?=[^;,=\s]+=)/).map((cookie) => {
    const first = cookie.split(';')[0] ?? '';
    const eq = first.indexOf('=');
    return { name: first.slice(0, eq).trim(), value: first.slice(eq + 1).trim() };
  });
}

function queryString(url: string): HarNameValue[] {
  if (!URL.canParse(url)) return [];
  return [...new URL(url).searchParams].map(([name, value]) => ({ name, value }));
}

function harRequest(req: HttpRequestSpec): HarRequest {
  const hasBody = req.body !== undefined && req.body !== null;
  const request: HarRequest = {
    method: req.method,
    url: req.url,
    httpVersion: 'HTTP/1.1',
    headers: toNameValues(req.headers),
    queryString: queryString(req.url),
    cookies: requestCookies(req.headers),
    headersSize: -1,
    bodySize: hasBody ? byteLength(req.body ?? '', req.bodyEncoding) : 0,
  };
  if (hasBody) {
    request.postData = { mimeType: headerValue(req.headers, 'content-type') ?? '', text: req.body ?? '' };
    if (req.bodyEncoding === 'base64') request.postData._encoding = 'base64';
  }
  return request;
}

function harResponse(res: HttpResponseSpec): HarResponse {
  const size = byteLength(res.body, res.bodyEncoding);
  const content: HarContent = { size, mimeType: res.headers['content-type'] ?? res.mimeType, text: res.body };
  if (res.bodyEncoding === 'base64') content.encoding = 'base64';
  return {
    status: res.status,
    statusText: res.statusText,
    httpVersion: 'HTTP/1.1',
    headers: toNameValues(res.headers),
    cookies: responseCookies(res.headers),
    content,
    redirectURL: res.headers['location'] ?? '',
    headersSize: -1,
    // The body was decoded when the server compressed it, so its size on the wire is unknown.
    bodySize: res.headers['content-encoding'] ? -1 : size,
    _url: res.url,
  };
}

const FAILED_RESPONSE: Omit<HarResponse, 'content'> = {
  status: 0,
  statusText: '',
  httpVersion: '',
  headers: [],
  cookies: [],
  redirectURL: '',
  headersSize: -1,
  bodySize: -1,
};

function harEntry(exchange: HttpExchange): HarEntry {
  const entry: HarEntry = {
    startedDateTime: exchange.startedAt,
    time: exchange.durationMs,
    request: harRequest(exchange.request),
    response: exchange.response
      ? harResponse(exchange.response)
      : { ...FAILED_RESPONSE, content: { size: 0, mimeType: 'x-unknown' } },
    cache: {},
    // We time the exchange as a whole; HAR wants the phases to add up to `time`.
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: exchange.durationMs, receive: 0 },
  };
  if (exchange.error) entry._error = { type: exchange.error.type, message: exchange.error.message };
  return entry;
}

/** Builds a HAR 1.2 document with one entry per exchange, failed ones included (status 0, `_error`). */
export function exchangesToHar(
  exchanges: HttpExchange[],
  creator: HarCreator = { name: 'Ratchet', version: ratchetVersion() },
): HarLog {
  return { log: { version: '1.2', creator, entries: exchanges.map(harEntry) } };
}
