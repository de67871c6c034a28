// What the record of one HTTP exchange keeps. The guest gets the full response; the record (the
// execution's trace, HAR files, recordings) keeps request bodies up to 64 KiB and response bodies
// in full while the run's host budget has room for bodies, and says so where it cut: a text body
// ends with a marker and `truncatedFrom` holds the full length in characters. Everything else of
// the exchange (URL, headers, error) is required and charged; past the budget the run fails.
import type { HttpExchange } from '../http/types.ts';
import type { HostBudget } from './host-budget.ts';

/** Request bodies are for people reading the trace (replay matches method and URL only). */
export const RECORDED_REQUEST_BODY = 64 * 1024;
const EXCHANGE_OVERHEAD = 512;

interface BodySpec {
  body?: string | null;
  bodyEncoding?: 'utf8' | 'base64';
  truncatedFrom?: number;
}

function headerChars(h: Record<string, string> | undefined): number {
  let n = 0;
  for (const [k, v] of Object.entries(h ?? {})) n += k.length + v.length;
  return n;
}

/**
 * A copy of the start of `s` that does not keep `s` alive: V8's `slice` makes a view onto the
 * parent string, so a 64 KiB slice of a 50 MB body would keep the 50 MB for the record's lifetime.
 */
export function detachedSlice(s: string, length: number): string {
  return Buffer.from(s.slice(0, length), 'utf16le').toString('utf16le');
}

/** The body cut to `room` characters (whole base64 quads), with a marker on text bodies. */
function trimBody<T extends BodySpec>(spec: T, cap: number, budget: HostBudget): T {
  const body = spec.body;
  if (typeof body !== 'string') return spec;
  const room = Math.min(cap, budget.bodyRoom());
  if (body.length <= room) {
    budget.chargeBody(body.length);
    return spec;
  }
  const marker =
    spec.bodyEncoding === 'base64'
      ? ''
      : `… [truncated by Ratchet: ${body.length} characters; the record keeps at most ${room}]`;
  const keep = spec.bodyEncoding === 'base64' ? room - (room % 4) : room;
  const cut = detachedSlice(body, keep) + marker;
  budget.chargeBody(cut.length);
  return { ...spec, body: cut, truncatedFrom: body.length };
}

/** The exchange as recorded, or undefined when even its metadata no longer fits the budget. */
export function trimExchange(exchange: HttpExchange, budget: HostBudget): HttpExchange | undefined {
  const { request, response, error } = exchange;
  const meta =
    EXCHANGE_OVERHEAD +
    request.url.length +
    headerChars(request.headers) +
    (response ? response.url.length + response.statusText.length + headerChars(response.headers) : 0) +
    (error?.message.length ?? 0);
  if (!budget.charge(meta, `recording HTTP request ${request.method} ${request.url.slice(0, 200)}`)) {
    return undefined;
  }
  const kept: HttpExchange = { ...exchange, request: trimBody(request, RECORDED_REQUEST_BODY, budget) };
  if (response) kept.response = trimBody(response, Number.POSITIVE_INFINITY, budget);
  return kept;
}
