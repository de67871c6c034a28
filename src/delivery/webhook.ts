// Webhook destination: POSTs (or PUTs/PATCHes) the result envelope as JSON, signed when a secret is
// set, retrying network errors, timeouts, 429 and 5xx with exponential backoff. Every attempt is
// reported to the caller as it happens, so delivery_results holds the full history.
import { backoffDelay } from '../backoff.ts';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleepMs } from 'node:timers/promises';
import { performRequest } from '../http/client.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { WebhookDestination } from './destinations.ts';
import { envelopeOf, eventOf } from './payload.ts';
import type { DeliveryContext } from './payload.ts';

export const SIGNATURE_HEADER = 'X-Ratchet-Signature';

export interface WebhookAttempt {
  attempt: number;
  success: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  /** Whether a further attempt follows. */
  willRetry: boolean;
}

export interface WebhookOptions {
  /** Client settings (user agent, TLS, the egress policy); timeout and redirects are set per destination. */
  http: Pick<HttpClientOptions, 'userAgent' | 'verifySsl' | 'allowedHosts' | 'deniedHosts' | 'ownPorts'>;
  onAttempt?: (a: WebhookAttempt) => Promise<void> | void;
  /** Waits between attempts; injectable so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** `sha256=<hex>` of the body, keyed by the destination's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function authHeaders(dest: WebhookDestination): Record<string, string> {
  const a = dest.authentication;
  if (!a) return {};
  if (a.type === 'bearer') return { Authorization: `Bearer ${a.token}` };
  if (a.type === 'basic') {
    return { Authorization: `Basic ${Buffer.from(`${a.username}:${a.password}`).toString('base64')}` };
  }
  return { [a.header]: a.key };
}

function retryable(status: number | null): boolean {
  // null: no response (network error or timeout).
  return status === null || status === 429 || status >= 500;
}

/** The pause before attempt n+1: initial × multiplier^(n−1), capped; Retry-After wins when it is shorter than the cap. */
export function backoffMs(dest: WebhookDestination, attempt: number, retryAfter?: string): number {
  const p = dest.retryPolicy;
  const cap = p.maxDelaySeconds * 1000;
  const seconds = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : NaN;
  if (!Number.isNaN(seconds)) return Math.min(seconds * 1000, cap);
  return backoffDelay(
    { initialMs: p.initialDelaySeconds * 1000, multiplier: p.backoffMultiplier, maxMs: cap },
    attempt - 1,
  );
}

/** Delivers one result; resolves with every attempt made (never throws). */
export async function deliverWebhook(
  dest: WebhookDestination,
  ctx: DeliveryContext,
  opts: WebhookOptions,
): Promise<WebhookAttempt[]> {
  const body = JSON.stringify(envelopeOf(ctx));
  const deliveryId = randomUUID();
  const sleep = opts.sleep ?? ((ms: number) => sleepMs(ms));
  const timeoutMs = Math.round(dest.timeoutSeconds * 1000);
  const attempts: WebhookAttempt[] = [];
  const max = dest.retryPolicy.maxAttempts;
  for (let n = 1; n <= max; n++) {
    const headers: Record<string, string> = {
      'Content-Type': dest.contentType,
      'X-Ratchet-Event': eventOf(ctx),
      'X-Ratchet-Delivery': deliveryId,
      'X-Ratchet-Attempt': String(n),
      ...dest.headers,
      ...authHeaders(dest),
    };
    if (dest.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(dest.secret, body);
    const exchange = await performRequest(
      { method: dest.method, url: dest.url, headers, body },
      {
        timeoutMs,
        maxRedirects: 0,
        userAgent: opts.http.userAgent,
        verifySsl: opts.http.verifySsl,
        // Webhooks obey the same egress policy as task fetches (docs/server.md, threat model).
        allowedHosts: opts.http.allowedHosts,
        deniedHosts: opts.http.deniedHosts,
        ownPorts: opts.http.ownPorts,
        maxResponseBytes: 1024 * 1024,
      },
      timeoutMs,
    );
    const status = exchange.response?.status ?? null;
    const success = status !== null && status >= 200 && status < 300;
    const error = success
      ? null
      : (exchange.error?.message ??
        `${dest.method} ${dest.url} answered ${status} ${exchange.response?.statusText ?? ''}`.trim());
    // A policy refusal is permanent: retrying cannot change the answer.
    const refused = exchange.error?.type === 'PolicyError';
    const willRetry = !success && !refused && retryable(status) && n < max;
    const attempt: WebhookAttempt = {
      attempt: n,
      success,
      statusCode: status,
      error,
      durationMs: Math.round(exchange.durationMs),
      willRetry,
    };
    attempts.push(attempt);
    await opts.onAttempt?.(attempt);
    if (!willRetry) break;
    await sleep(backoffMs(dest, n, exchange.response?.headers['retry-after']));
  }
  return attempts;
}
