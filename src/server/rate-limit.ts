// Per-client rate limits from server.rate_limit. @fastify/rate-limit counts in fixed windows, so
// the two settings map onto one window: `burst_size` requests per window of
// burst_size / requests_per_minute minutes. A client can send its whole burst at once, and over
// time it averages requests_per_minute (600/min with burst 100: 100 per 10 s).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import type { RatchetConfig } from '../config/schema.ts';
import { ApiError } from './errors.ts';
import { rootPlugin } from './root-plugin.ts';

export function rateWindow(limits: RatchetConfig['server']['rate_limit']): {
  max: number;
  timeWindowMs: number;
} {
  const max = limits.burst_size;
  return { max, timeWindowMs: Math.max(1000, Math.round((max / limits.requests_per_minute) * 60_000)) };
}

export const rateLimitPlugin = rootPlugin<{ limits: RatchetConfig['server']['rate_limit'] }>(
  'ratchet-rate-limit',
  async (server: FastifyInstance, opts) => {
    if (!opts.limits.enabled) return;
    const { max, timeWindowMs } = rateWindow(opts.limits);
    // Not `global: true`: that adds the check as a ROUTE-level hook, which runs after our global
    // auth hook. As a global hook registered before auth, a flood is refused before any key lookup.
    await server.register(rateLimit, {
      global: false,
      max,
      timeWindow: timeWindowMs,
      // Draft IETF headers: RateLimit-Limit / -Remaining / -Reset, plus Retry-After on 429.
      enableDraftSpec: true,
      keyGenerator: (request) => request.ip,
      errorResponseBuilder: (_request, ctx) =>
        new ApiError(
          429,
          'RATE_LIMITED',
          `rate limit exceeded: ${ctx.max} requests per ${Math.round(timeWindowMs / 1000)} s (server.rate_limit); retry in ${Math.ceil(ctx.ttl / 1000)} s`,
          { limit: ctx.max, retryAfterSeconds: Math.ceil(ctx.ttl / 1000) },
        ),
    });
    const limiter = server.rateLimit();
    server.addHook('onRequest', async (request, reply) => {
      // Probes and scrapes (config.rateLimit: false) must never be throttled.
      if (request.routeOptions.config.rateLimit === false) return;
      await limiter.call(server, request, reply);
    });
  },
);
