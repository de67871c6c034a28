// Reading HAR documents back into exchanges (for replay and mocks). HAR files come from us, from
// browsers and from other tools, so the shape is checked field by field and every mistake is
// reported with the entry index and the field's path.
import { STATUS_CODES } from 'node:http';
import type { BodyEncoding, HttpExchange, HttpFailure, HttpRequestSpec, HttpResponseSpec } from './types.ts';

type Obj = Record<string, unknown>;

class HarShapeError extends Error {
  constructor(path: string, problem: string) {
    super(`invalid HAR: ${path} ${problem}`);
    this.name = 'HarShapeError';
  }
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string): Obj {
  if (!isObject(value)) throw new HarShapeError(path, 'must be an object');
  return value;
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new HarShapeError(path, 'must be a string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return value === undefined ? undefined : string(value, path);
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HarShapeError(path, 'must be a number');
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new HarShapeError(path, 'must be an array');
  return value;
}

/** Folds a HAR name/value list into a record, joining repeated names with ", " as the client does. */
function headerRecord(value: unknown, path: string, lowerCase: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  array(value, path).forEach((item, i) => {
    const header = object(item, `${path}[${i}]`);
    let name = string(header.name, `${path}[${i}].name`);
    const text = string(header.value, `${path}[${i}].value`);
    // HTTP/2 pseudo-headers (:authority, :path…) in browser HARs are not real headers.
    if (name.startsWith(':')) return;
    if (lowerCase) name = name.toLowerCase();
    headers[name] = name in headers ? `${headers[name]}, ${text}` : text;
  });
  return headers;
}

function encoding(value: unknown, path: string): BodyEncoding {
  if (value === undefined || value === '') return 'utf8';
  if (value === 'base64') return 'base64';
  throw new HarShapeError(path, `must be "base64" when present (got ${JSON.stringify(value)})`);
}

function readRequest(value: unknown, path: string): HttpRequestSpec {
  const req = object(value, path);
  const method = string(req.method, `${path}.method`);
  if (method === '') throw new HarShapeError(`${path}.method`, 'must not be empty');
  const url = string(req.url, `${path}.url`);
  if (!URL.canParse(url))
    throw new HarShapeError(`${path}.url`, `is not a valid URL: ${JSON.stringify(url)}`);
  const spec: HttpRequestSpec = { method, url, headers: headerRecord(req.headers, `${path}.headers`, false) };
  if (req.postData !== undefined) {
    const post = object(req.postData, `${path}.postData`);
    const text = optionalString(post.text, `${path}.postData.text`);
    if (text !== undefined) {
      spec.body = text;
    } else if (post.params !== undefined) {
      // HAR may list form fields instead of the raw text; rebuild the urlencoded body.
      const params = headerRecordList(post.params, `${path}.postData.params`);
      spec.body = new URLSearchParams(params.map((p): [string, string] => [p.name, p.value])).toString();
    }
    const bodyEncoding = encoding(post._encoding, `${path}.postData._encoding`);
    if (bodyEncoding === 'base64') spec.bodyEncoding = 'base64';
  }
  return spec;
}

function headerRecordList(value: unknown, path: string): { name: string; value: string }[] {
  return array(value, path).map((item, i) => {
    const pair = object(item, `${path}[${i}]`);
    return {
      name: string(pair.name, `${path}[${i}].name`),
      value: string(pair.value ?? '', `${path}[${i}].value`),
    };
  });
}

function readResponse(value: unknown, path: string, requestUrl: string): HttpResponseSpec {
  const res = object(value, path);
  const status = number(res.status, `${path}.status`);
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new HarShapeError(`${path}.status`, `must be an HTTP status from 100 to 999 (got ${status})`);
  }
  const headers = headerRecord(res.headers, `${path}.headers`, true);
  const content = object(res.content, `${path}.content`);
  const contentType = string(content.mimeType, `${path}.content.mimeType`);
  const statusText = optionalString(res.statusText, `${path}.statusText`);
  const url = optionalString(res._url, `${path}._url`) ?? requestUrl;
  return {
    status,
    statusText: statusText || STATUS_CODES[status] || '',
    headers,
    body: optionalString(content.text, `${path}.content.text`) ?? '',
    bodyEncoding: encoding(content.encoding, `${path}.content.encoding`),
    mimeType: (contentType.split(';')[0] ?? '').trim().toLowerCase(),
    url,
  };
}

const FAILURE_TYPES = new Set(['NetworkError', 'TimeoutError', 'PolicyError']);

function readFailure(value: unknown, path: string): HttpFailure {
  const failure = object(value, path);
  const type = string(failure.type, `${path}.type`);
  if (!FAILURE_TYPES.has(type)) {
    throw new HarShapeError(
      `${path}.type`,
      `must be NetworkError, TimeoutError or PolicyError (got "${type}")`,
    );
  }
  return { type: type as HttpFailure['type'], message: string(failure.message, `${path}.message`) };
}

function readEntry(value: unknown, path: string): HttpExchange {
  const entry = object(value, path);
  const startedAt = string(entry.startedDateTime, `${path}.startedDateTime`);
  if (Number.isNaN(Date.parse(startedAt))) {
    throw new HarShapeError(`${path}.startedDateTime`, `is not an ISO date: ${JSON.stringify(startedAt)}`);
  }
  const durationMs = Math.max(0, number(entry.time, `${path}.time`));
  const request = readRequest(entry.request, `${path}.request`);
  if (entry._error !== undefined) {
    return { request, error: readFailure(entry._error, `${path}._error`), startedAt, durationMs };
  }
  const response = readResponse(entry.response, `${path}.response`, request.url);
  return { request, response, startedAt, durationMs };
}

/** Turns a parsed HAR document into exchanges; throws an Error naming the entry and field at fault. */
export function harToExchanges(har: unknown): HttpExchange[] {
  const log = object(object(har, 'document').log, 'log');
  const version = optionalString(log.version, 'log.version');
  if (version !== undefined && version !== '1.2' && version !== '1.1') {
    throw new HarShapeError('log.version', `must be "1.2" or "1.1" (got "${version}")`);
  }
  return array(log.entries, 'log.entries').map((entry, i) => readEntry(entry, `log.entries[${i}]`));
}
