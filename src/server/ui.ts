// The dashboard at /ui/: the single-page app that `npm run build` builds from web/ into dist/web
// (Vite). Static files only (DESIGN.md §6): index.html, never cached, and content-hashed assets,
// cached for a year. The asset names are read once at start-up; a request for any other name is a
// 404, so no path from the URL ever reaches the file system. Nothing is held in memory: each file is
// streamed from disk per request (the dashboard must add next to nothing to an idle server's RSS).
import { createReadStream, existsSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from './errors.ts';

export const UI_PATH = '/ui/';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

// The dashboard validates forms with Ajv, which compiles each JSON Schema into a function
// (`new Function`): its page needs 'unsafe-eval'. Everything else stays same-origin only.
const UI_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'self'",
  "form-action 'self'",
].join('; ');

/** The built dashboard: dist/web beside dist/server (built package) or from src/server (tests). */
export function findUiDir(): string | undefined {
  for (const rel of ['../web/', '../../dist/web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'index.html'))) return dir;
  }
  return undefined;
}

function send(reply: FastifyReply, file: string, cache: string): FastifyReply {
  return reply
    .header('content-type', TYPES[extname(file)] ?? 'application/octet-stream')
    .header('cache-control', cache)
    .send(createReadStream(file));
}

export function uiPlugin(dir: string) {
  return async (server: FastifyInstance): Promise<void> => {
    const assetsDir = join(dir, 'assets');
    const assets = new Set(existsSync(assetsDir) ? readdirSync(assetsDir) : []);
    // Not counted against server.rate_limit: a fixed set of files read from disk costs little, and a
    // person opening a few pages in a fresh browser would otherwise spend the API budget on them.
    const opts = { config: { access: 'public' as const, rateLimit: false as const }, schema: { hide: true } };
    server.get('/ui', opts, async (_request, reply) => reply.redirect(UI_PATH, 301));
    server.get(UI_PATH, opts, async (_request, reply) =>
      send(reply.header('content-security-policy', UI_CSP), join(dir, 'index.html'), 'no-cache'),
    );
    server.get<{ Params: { file: string } }>('/ui/assets/:file', opts, async (request, reply) => {
      const { file } = request.params;
      if (!assets.has(file)) throw new ApiError(404, 'NOT_FOUND', `no dashboard asset ${file}`);
      return send(reply, join(assetsDir, file), 'public, max-age=31536000, immutable');
    });
  };
}
