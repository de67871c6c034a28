// Helmet's security headers (CSP, HSTS when HTTPS, X-Content-Type-Options, …), computed once.
// helmet is used directly rather than through @fastify/helmet, which builds a new helmet middleware
// and re-parses the CSP directives on every request (about 6% of a small GET's CPU); our options
// are static (no nonces, no per-request directive functions), so the header set is the same for
// every response: compute it at start-up by running helmet once against a recording response, and
// copy it onto each reply.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { rootPlugin } from './root-plugin.ts';

export type { HelmetOptions };

/** The headers helmet sets for these options (lower-case names). */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
      return res;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure !== undefined) throw new Error(`helmet options rejected: ${String(failure)}`);
  return headers;
}

export const securityHeadersPlugin = rootPlugin<{ helmet: HelmetOptions }>(
  'ratchet-security-headers',
  async (server: FastifyInstance, opts) => {
    const headers = helmetHeaders(opts.helmet);
    server.addHook('onRequest', (_request, reply, done) => {
      reply.headers(headers);
      done();
    });
  },
);
