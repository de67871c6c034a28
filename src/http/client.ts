// The outbound HTTP client tasks use: one request (with its redirects) in, one HttpExchange out.
// It never throws; transport failures, timeouts and policy refusals are recorded in `error`.
import { STATUS_CODES } from 'node:http';
import { Agent, request as undiciRequest } from 'undici';
import type { Dispatcher } from 'undici';
import type { IpAddress } from './address.ts';
import { egressConnector, egressDenial, localInterfaceAddresses } from './egress-connect.ts';
import { checkHostAllowed } from './policy.ts';
import {
  BodyTooLargeError,
  decodeContentEncoding,
  encodeBody,
  parseContentType,
  readCappedBody,
} from './response-body.ts';
import type { HttpExchange, HttpFailure, HttpRequestSpec, HttpResponseSpec } from './types.ts';

export interface HttpClientOptions {
  /** The configured HTTP timeout; a request gets the smaller of this and the caller's budget. */
  timeoutMs: number;
  /** Redirects followed before failing with "too many redirects"; 0 returns 3xx responses as they are. */
  maxRedirects: number;
  userAgent: string;
  verifySsl: boolean;
  /** Egress policy (src/http/policy.ts): entries that open destinations; empty allows every public host. */
  allowedHosts: string[];
  deniedHosts: string[];
  /** Entries that open what they name without restricting other hosts (`--allow-host`). */
  alsoAllowedHosts?: string[];
  /** Ports this Ratchet serves on: never reachable on a local address unless an entry names the port. */
  ownPorts?: number[];
  /** Largest response body accepted, in bytes (after decompression); default 10 MiB. */
  maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export const defaultHttpOptions: Readonly<Required<HttpClientOptions>> = Object.freeze({
  timeoutMs: 30_000,
  maxRedirects: 10,
  userAgent: 'Ratchet/1.0',
  verifySsl: true,
  allowedHosts: [],
  deniedHosts: [],
  alsoAllowedHosts: [],
  ownPorts: [],
  maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES,
});

// One keep-alive agent per distinct connection setting and egress policy, shared by every request
// in the process, so repeated fetches to the same host reuse their connections. Every agent connects
// through the egress connector, which checks the address each connection is made to.
const agents = new Map<string, Agent>();

function agentFor(opts: HttpClientOptions): Agent {
  const policy = {
    allowedHosts: opts.allowedHosts,
    deniedHosts: opts.deniedHosts,
    alsoAllowedHosts: opts.alsoAllowedHosts ?? [],
    ownPorts: opts.ownPorts ?? [],
  };
  const key = JSON.stringify([opts.verifySsl, policy]);
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({
      connect: egressConnector(policy, opts.verifySsl ? {} : { rejectUnauthorized: false }),
    });
    agents.set(key, agent);
  }
  return agent;
}

let localAddresses: IpAddress[] | undefined;

/** Closes the shared agents (their idle sockets never hold the process open, but tests and shutdown tidy up). */
export async function closeHttpAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  await Promise.all(all.map((agent) => agent.close()));
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// Headers that describe a request body; dropped when a redirect turns the request into a GET.
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];
// Credentials that must not follow a redirect to another origin.
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

function joinHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function withoutHeaders(headers: Record<string, string>, names: string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!names.includes(name.toLowerCase())) kept[name] = value;
  }
  return kept;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Connecting to a name with several addresses can fail with an AggregateError whose own message is empty.
  if (error instanceof AggregateError && error.message === '') {
    return error.errors.map((inner) => describeCause(inner)).join('; ');
  }
  const code = (error as NodeJS.ErrnoException).code;
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}${code && !error.message.includes(code) ? ` (${code})` : ''}`;
}

interface Hop {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** Works out the next hop of a redirect the way browsers' fetch does. */
function nextHop(hop: Hop, status: number, location: string): Hop {
  const url = new URL(location, hop.url).href;
  let { method, headers, body } = hop;
  const toGet =
    (status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST');
  if (toGet) {
    method = 'GET';
    body = undefined;
    headers = withoutHeaders(headers, BODY_HEADERS);
  }
  if (new URL(url).origin !== new URL(hop.url).origin) {
    headers = withoutHeaders(headers, [...CREDENTIAL_HEADERS, 'host']);
  }
  return { url, method, headers, body };
}

type Outcome = { response: HttpResponseSpec } | { error: HttpFailure };

async function execute(
  req: HttpRequestSpec,
  opts: HttpClientOptions,
  signal: AbortSignal,
  limit: number,
  current: { url: string },
): Promise<Outcome> {
  const headers = hasHeader(req.headers, 'user-agent')
    ? { ...req.headers }
    : { ...req.headers, 'User-Agent': opts.userAgent };
  const body =
    req.body === undefined || req.body === null
      ? undefined
      : Buffer.from(req.body, req.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  let hop: Hop = { url: req.url, method: req.method.toUpperCase(), headers, body };
  const dispatcher = agentFor(opts);
  for (let redirects = 0; ; redirects++) {
    if (!URL.canParse(hop.url)) {
      return {
        error: {
          type: 'NetworkError',
          message: `request to ${req.url} failed: "${hop.url}" is not a valid URL`,
        },
      };
    }
    current.url = hop.url;
    let refusal: string | null;
    try {
      localAddresses ??= localInterfaceAddresses();
      refusal = checkHostAllowed(hop.url, opts, localAddresses);
    } catch (error) {
      // An invalid pattern in the configuration: refuse rather than guess what was meant.
      refusal = (error as Error).message;
    }
    if (refusal) {
      const via = hop.url === req.url ? '' : ` (redirected to ${hop.url})`;
      return { error: { type: 'PolicyError', message: `request to ${req.url}${via} blocked: ${refusal}` } };
    }
    const res: Dispatcher.ResponseData = await undiciRequest(hop.url, {
      method: hop.method,
      headers: hop.headers,
      body: hop.body,
      dispatcher,
      signal,
    });
    const location = res.headers.location;
    if (REDIRECT_STATUSES.has(res.statusCode) && typeof location === 'string' && opts.maxRedirects > 0) {
      await res.body.dump();
      if (redirects >= opts.maxRedirects) {
        return {
          error: {
            type: 'NetworkError',
            message: `request to ${req.url} failed: too many redirects (more than ${opts.maxRedirects}; last hop ${hop.url} → ${location})`,
          },
        };
      }
      hop = nextHop(hop, res.statusCode, location);
      continue;
    }
    const responseHeaders = joinHeaders(res.headers);
    const declared = Number(responseHeaders['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      res.body.destroy();
      throw new BodyTooLargeError(limit);
    }
    const raw = await readCappedBody(res.body, limit);
    const bytes = decodeContentEncoding(raw, responseHeaders['content-encoding'], limit);
    const { mimeType, charset } = parseContentType(responseHeaders['content-type']);
    const encoded = encodeBody(bytes, mimeType, charset);
    return {
      response: {
        status: res.statusCode,
        statusText: res.statusText || STATUS_CODES[res.statusCode] || '',
        headers: responseHeaders,
        body: encoded.body,
        bodyEncoding: encoded.bodyEncoding,
        mimeType,
        url: hop.url,
      },
    };
  }
}

/**
 * Performs `req`, following redirects, within min(timeoutMs, opts.timeoutMs). `signal` lets the
 * caller abandon the request early (the exchange then records a cancellation). Never throws.
 */
export async function performRequest(
  req: HttpRequestSpec,
  opts: HttpClientOptions,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpExchange> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const budget = Math.max(0, Math.min(timeoutMs, opts.timeoutMs));
  const limit = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, budget);
  const onCancel = (): void => controller.abort();
  signal?.addEventListener('abort', onCancel, { once: true });
  let outcome: Outcome;
  const current = { url: req.url };
  try {
    if (signal?.aborted) throw new Error('aborted before start');
    outcome = await execute(req, opts, controller.signal, limit, current);
  } catch (error) {
    const denial = egressDenial(error);
    if (denial) {
      // Refused at connect time (the resolved address): a policy refusal, never retried.
      const via = current.url === req.url ? '' : ` (redirected to ${current.url})`;
      outcome = {
        error: { type: 'PolicyError', message: `request to ${req.url}${via} blocked: ${denial.message}` },
      };
    } else if (timedOut) {
      outcome = {
        error: { type: 'TimeoutError', message: `request to ${req.url} timed out after ${budget} ms` },
      };
    } else if (signal?.aborted) {
      outcome = { error: { type: 'TimeoutError', message: `request to ${req.url} cancelled` } };
    } else if (error instanceof BodyTooLargeError) {
      outcome = {
        error: { type: 'NetworkError', message: `request to ${req.url} failed: ${error.message}` },
      };
    } else {
      outcome = {
        error: { type: 'NetworkError', message: `request to ${req.url} failed: ${describeCause(error)}` },
      };
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onCancel);
  }
  const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return { request: req, ...outcome, startedAt, durationMs };
}
