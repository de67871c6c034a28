// Per-client rate limits: server.rate_limit for the REST API, mcp.rate_limit for /mcp, counted
// apart (an agent polling over MCP does not use up a person's REST budget, nor the reverse).
// @fastify/rate-limit counts in fixed windows, so the two settings of each map onto one window:
// `burst_size` requests per window of burst_size / requests_per_minute minutes. A client can send
// its whole burst at once, and over time it averages requests_per_minute (600/min with burst 100:
// 100 per 10 s).
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RatchetConfig } from '../config/schema.ts';
import { ApiError } from './errors.ts';
import { rootPlugin } from './root-plugin.ts';

type Limits = Pick<RatchetConfig['server']['rate_limit'], 'enabled' | 'requests_per_minute' | 'burst_size'>;

export function rateWindow(limits: Limits): { max: number; timeWindowMs: number } {
  const max = limits.burst_size;
  return { max, timeWindowMs: Math.max(1000, Math.round((max / limits.requests_per_minute) * 60_000)) };
}

/** JSON-RPC error code of a refused MCP request (implementation-defined server error range). */
export const MCP_RATE_LIMITED = -32029;

export interface RateLimitOptions extends Record<string, unknown> {
  /** server.rate_limit: every route but probes and `mcp.path`. Absent: REST is not limited. */
  limits?: Limits;
  /** mcp.rate_limit, for requests to `path`. */
  mcp?: { limits: Limits; path: string };
}

const pathOf = (request: FastifyRequest): string => request.url.split('?', 1)[0]!;

export const rateLimitPlugin = rootPlugin<RateLimitOptions>(
  'ratchet-rate-limit',
  async (server: FastifyInstance, opts) => {
    const rest = opts.limits?.enabled ? rateWindow(opts.limits) : undefined;
    const mcp = opts.mcp?.limits.enabled
      ? { ...rateWindow(opts.mcp.limits), path: opts.mcp.path }
      : undefined;
    if (!rest && !mcp) return;
    // Not `global: true`: that adds the check as a ROUTE-level hook, which runs after our global
    // auth hook. As a global hook registered before auth, a flood is refused before any key lookup.
    await server.register(rateLimit, {
      global: false,
      // Draft IETF headers: RateLimit-Limit / -Remaining / -Reset, plus Retry-After on 429.
      enableDraftSpec: true,
      keyGenerator: (request) => request.ip,
    });
    const restLimiter = rest
      ? server.rateLimit({
          max: rest.max,
          timeWindow: rest.timeWindowMs,
          errorResponseBuilder: (_request, ctx) =>
            new ApiError(
              429,
              'RATE_LIMITED',
              `rate limit exceeded: ${ctx.max} requests per ${Math.round(rest.timeWindowMs / 1000)} s (server.rate_limit); retry in ${Math.ceil(ctx.ttl / 1000)} s`,
              { limit: ctx.max, retryAfterSeconds: Math.ceil(ctx.ttl / 1000) },
            ),
        })
      : undefined;
    const mcpLimiter = mcp
      ? server.createRateLimit({ max: mcp.max, timeWindow: mcp.timeWindowMs })
      : undefined;
    server.addHook('onRequest', async (request, reply) => {
      // Probes and scrapes (config.rateLimit: false) must never be throttled.
      if (request.routeOptions.config.rateLimit === false) return;
      if (mcp && pathOf(request) === mcp.path) return limitMcp(request, reply, mcpLimiter!, mcp.timeWindowMs);
      if (opts.mcp && pathOf(request) === opts.mcp.path) return;
      if (restLimiter) await restLimiter.call(server, request, reply);
    });
  },
);

/**
 * An MCP client reads JSON-RPC, so a refused request is answered in JSON-RPC: HTTP 429 with
 * Retry-After and an error body whose message says when to retry (the SDK clients put the body in
 * the error they throw). The request id is unknown before the body is read: `id: null`.
 */
async function limitMcp(
  request: FastifyRequest,
  reply: FastifyReply,
  limiter: ReturnType<FastifyInstance['createRateLimit']>,
  windowMs: number,
): Promise<FastifyReply | undefined> {
  const r = await limiter(request);
  if (r.isAllowed) return undefined;
  void reply.header('ratelimit-limit', r.max);
  void reply.header('ratelimit-remaining', r.remaining);
  void reply.header('ratelimit-reset', r.ttlInSeconds);
  if (!r.isExceeded) return undefined;
  const retryAfter = Math.max(1, r.ttlInSeconds);
  return reply
    .code(429)
    .header('retry-after', retryAfter)
    .type('application/json')
    .send({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: MCP_RATE_LIMITED,
        message: `rate limit exceeded: ${r.max} MCP requests per ${Math.round(windowMs / 1000)} s from this client (mcp.rate_limit); retry in ${retryAfter} s`,
        data: { code: 'RATE_LIMITED', limit: r.max, retry_after_seconds: retryAfter },
      },
    });
}
