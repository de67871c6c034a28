// The SyncFetch a test case runs with: answers from the case's mocks, and by default nothing
// else. A request that matches no mock gets a NetworkError (the task sees a failed fetch) and is
// remembered, so the runner fails the case even when the task caught that error.
import { STATUS_CODES } from 'node:http';
import { parseContentType } from '../http/response-body.ts';
import { redactedUrlMatches } from '../redaction/index.ts';
import type { HttpExchange, HttpRequestSpec, HttpResponseSpec, SyncFetch } from '../http/types.ts';
import type { MockResponse, MockSpec } from './test-case.ts';

export interface MockFetchOptions {
  /** Where requests that match no mock go (`allow_network: true`); absent: they fail. */
  fallback?: SyncFetch;
}

export interface MockFetch {
  fetch: SyncFetch;
  /** Mocks that never answered a request. */
  unused(): MockSpec[];
  /** One message per request that matched no mock (and had no fallback). */
  unmatched(): string[];
}

interface Slot {
  mock: MockSpec;
  used: number;
}

/** 0 exact, 1 prefix, 2 substring; undefined when the URL does not match at all. */
function urlRank(mockUrl: string, requestUrl: string): number | undefined {
  if (mockUrl === requestUrl || normalize(mockUrl) === normalize(requestUrl)) return 0;
  // A test made from a recording has its secret query values as REDACTED: any value matches.
  if (redactedUrlMatches(normalize(mockUrl), normalize(requestUrl))) return 0;
  if (requestUrl.startsWith(mockUrl)) return 1;
  if (requestUrl.includes(mockUrl)) return 2;
  return undefined;
}

/** `https://A.example.com` and `https://a.example.com/` are the same URL. */
function normalize(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function describeMock(slot: Slot): string {
  const { mock } = slot;
  const left = mock.times === 'always' ? '' : slot.used >= mock.times ? ' [used up]' : '';
  return `${mock.method ?? 'ANY'} ${mock.url}${left}`;
}

export function createMockFetch(mocks: readonly MockSpec[], opts: MockFetchOptions = {}): MockFetch {
  const slots: Slot[] = mocks.map((mock) => ({ mock, used: 0 }));
  const unmatched: string[] = [];

  function find(request: HttpRequestSpec): Slot | undefined {
    const method = request.method.toUpperCase();
    let best: { slot: Slot; rank: number } | undefined;
    for (const slot of slots) {
      const { mock } = slot;
      if (mock.method !== undefined && mock.method !== method) continue;
      if (mock.times !== 'always' && slot.used >= mock.times) continue;
      const rank = urlRank(mock.url, request.url);
      // Strictly better only: among equals the first declared wins, which makes a list of
      // once-only mocks for the same URL answer in order.
      if (rank !== undefined && (best === undefined || rank < best.rank)) best = { slot, rank };
    }
    return best?.slot;
  }

  const fetch: SyncFetch = (request, timeoutMs) => {
    const startedAt = new Date().toISOString();
    const slot = find(request);
    if (slot) {
      slot.used++;
      return { request, response: buildResponse(slot.mock.response, request.url), startedAt, durationMs: 0 };
    }
    if (opts.fallback) return opts.fallback(request, timeoutMs);
    const compared = slots.length > 0 ? slots.map(describeMock).join(', ') : 'no mocks declared';
    const message = `no mock matches ${request.method.toUpperCase()} ${request.url} (compared with: ${compared})`;
    unmatched.push(message);
    const exchange: HttpExchange = {
      request,
      error: { type: 'NetworkError', message },
      startedAt,
      durationMs: 0,
    };
    return exchange;
  };

  return {
    fetch,
    unused: () => slots.filter((s) => s.used === 0).map((s) => s.mock),
    unmatched: () => unmatched.slice(),
  };
}

/** The HttpResponseSpec a mock stands for: JSON values as JSON, strings as text, base64 as bytes. */
export function buildResponse(res: MockResponse, url: string): HttpResponseSpec {
  const headers = { ...res.headers };
  let body = '';
  let bodyEncoding: HttpResponseSpec['bodyEncoding'] = 'utf8';
  if (res.bodyEncoding === 'base64') {
    body = typeof res.body === 'string' ? res.body : '';
    bodyEncoding = 'base64';
    headers['content-type'] ??= 'application/octet-stream';
  } else if (typeof res.body === 'string') {
    body = res.body;
    if (body !== '') headers['content-type'] ??= 'text/plain; charset=utf-8';
  } else if (res.body !== undefined) {
    body = JSON.stringify(res.body);
    headers['content-type'] ??= 'application/json';
  }
  return {
    status: res.status,
    statusText: res.statusText ?? STATUS_CODES[res.status] ?? '',
    headers,
    body,
    bodyEncoding,
    mimeType: parseContentType(headers['content-type']).mimeType,
    url,
  };
}
