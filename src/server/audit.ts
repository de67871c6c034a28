// The audit trail: every mutation (a non-GET/HEAD/OPTIONS request under /api/v1 or /mcp) becomes
// an audit_log row once its response is sent: who (key name or anonymous), what (METHOD and route
// pattern), which (route params), from where, and how it ended. Writing happens after the
// response, and a failed write is only logged: auditing never blocks or fails a request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ratchet } from '../app.ts';
import { appendAuditBatch, type AppendAuditInput } from '../store/repos/audit.ts';
import { rootPlugin } from './root-plugin.ts';
import type { Principal } from './auth.ts';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths under a prefix are audited, and the prefix's own path (`/api/v1` too). */
const AUDITED = [
  { prefix: '/api/v1/', path: '/api/v1' },
  { prefix: '/mcp', path: '/mcp' },
];

// Asked twice of every request (onSend, onResponse): no split, no regular expression.
export function isAudited(method: string, url: string): boolean {
  if (READ_METHODS.has(method)) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  return AUDITED.some((a) => path.startsWith(a.prefix) || path === a.path);
}

/** `2xx`, or the error code for failures (`4xx FORBIDDEN`), read from the envelope we sent. */
function outcomeOf(reply: FastifyReply, errorCode: string | undefined): string {
  const cls = `${Math.floor(reply.statusCode / 100)}xx`;
  return errorCode ? `${cls} ${errorCode}` : cls;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Records an audit row (written behind, like the plugin's own). */
    ratchetAudit: (row: AppendAuditInput) => void;
  }
}

const ERROR_CODE = Symbol('ratchet.audit.errorCode');
type Tagged = FastifyRequest & { [ERROR_CODE]?: string };

/** Rows wait at most this long, or until this many are waiting, before one INSERT writes them. */
const FLUSH_MS = 10;
const FLUSH_ROWS = 200;

export const auditPlugin = rootPlugin<{ app: Ratchet }>('ratchet-audit', async (server, opts) => {
  const { db } = opts.app.store;
  // Write-behind: one multi-row INSERT per burst instead of one statement per mutation (a
  // synchronous execute spent a third of its database time on its audit row).
  let pending: AppendAuditInput[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const rows = pending;
    pending = [];
    if (rows.length === 0) return writing;
    writing = writing.then(() =>
      appendAuditBatch(db, rows).then(
        () => undefined,
        (err: unknown) => server.log.error({ err, rows: rows.length }, 'audit log write failed'),
      ),
    );
    return writing;
  };
  const enqueue = (row: AppendAuditInput): void => {
    pending.push(row);
    if (pending.length >= FLUSH_ROWS) void flush();
    else timer ??= setTimeout(() => void flush(), FLUSH_MS);
  };
  server.addHook('onClose', async () => flush());
  // Faces whose mutations are not one request each (GraphQL) record their own rows.
  server.decorate('ratchetAudit', enqueue);
  // Both hooks run for every request, so they are callback style: an async hook costs a promise
  // per request. A throw still reaches Fastify (its hook runner catches it).
  // Remember the envelope's code on its way out; onResponse no longer sees the payload.
  server.addHook('onSend', (request, reply, payload, done) => {
    if (reply.statusCode >= 400 && typeof payload === 'string' && isAudited(request.method, request.url)) {
      const m = /"code":"([A-Z_]+)"/.exec(payload.slice(0, 200));
      if (m) (request as Tagged)[ERROR_CODE] = m[1];
    }
    done(null, payload);
  });
  server.addHook('onResponse', (request, reply, done) => {
    if (isAudited(request.method, request.url)) auditRequest(request, reply);
    done();
  });
  function auditRequest(request: FastifyRequest, reply: FastifyReply): void {
    const pattern = request.routeOptions.url ?? request.url.split('?')[0] ?? request.url;
    const params = request.params as Record<string, unknown> | undefined;
    const target = params && Object.keys(params).length > 0 ? params : undefined;
    // Null when the request was refused before authentication finished (401).
    const principal = request.principal as Principal | null;
    const actor = principal && 'name' in principal ? principal.name : 'anonymous';
    enqueue({
      at: Date.now(),
      actor,
      action: `${request.method} ${pattern}`,
      targetType: pattern.split('/').filter(Boolean)[2] ?? null,
      targetId: target ? Object.values(target).map(String).join('/') : null,
      sourceIp: request.ip,
      outcome: outcomeOf(reply, (request as Tagged)[ERROR_CODE]),
      details: { requestId: request.id, ...(target ? { params: target } : {}) },
    });
  }
});
