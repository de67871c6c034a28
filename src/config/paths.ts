// Relative paths in the configuration. A relative path written in a config file means "next to this
// file" (so `ratchet --config /etc/ratchet/ratchet.yaml` works from any folder); a relative path from
// the environment or from a default means "from the current directory", like any command-line path.
// loadConfig() returns every path absolute, so nothing downstream needs to know where it came from.
import { isAbsolute, resolve } from 'node:path';
import type { RatchetConfig } from './schema.ts';

/**
 * `sqlite://./data/ratchet.db` with baseDir `/srv` → `sqlite:///srv/data/ratchet.db`. In-memory and
 * PostgreSQL URLs are returned unchanged; so are absolute SQLite paths.
 */
export function resolveSqlitePath(url: string, baseDir: string): string {
  // Same URL forms as store/database.ts parseDatabaseUrl, which opens the result.
  if (!url.startsWith('sqlite://') || url === 'sqlite://:memory:') return url;
  const file = url.slice('sqlite://'.length);
  return file === '' || isAbsolute(file) ? url : `sqlite://${resolve(baseDir, file)}`;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_GIT = /^[\w.-]+@[\w.-]+:/; // git@github.com:org/repo.git

/** `file://./tasks` → `file:///base/tasks`; `./tasks` → `/base/tasks`; git URLs unchanged. */
export function resolveSourceUri(uri: string, baseDir: string): string {
  if (/^file:\/\//i.test(uri)) {
    const rest = uri.slice('file://'.length);
    return isAbsolute(rest) ? uri : `file://${resolve(baseDir, rest)}`;
  }
  if (SCHEME.test(uri) || SCP_GIT.test(uri)) return uri;
  return resolve(baseDir, uri);
}

/**
 * Makes every path in `config` absolute. `baseFor(path)` gives the folder a key's relative path is
 * taken from (the config file's folder when the value came from the file, else the cwd).
 */
export function resolveConfigPaths(
  config: RatchetConfig,
  baseFor: (path: string[]) => string,
): RatchetConfig {
  const out = structuredClone(config);
  out.server.database.url = resolveSqlitePath(
    out.server.database.url,
    baseFor(['server', 'database', 'url']),
  );
  out.registry.cache_dir = resolve(baseFor(['registry', 'cache_dir']), out.registry.cache_dir);
  out.registry.sources = out.registry.sources.map((s, i) => ({
    ...s,
    uri: resolveSourceUri(s.uri, baseFor(['registry', 'sources', String(i), 'uri'])),
  }));
  out.delivery.filesystem.allowed_roots = out.delivery.filesystem.allowed_roots.map((r, i) =>
    resolve(baseFor(['delivery', 'filesystem', 'allowed_roots', String(i)]), r),
  );
  out.mcp.allowed_roots = out.mcp.allowed_roots.map((r, i) =>
    resolve(baseFor(['mcp', 'allowed_roots', String(i)]), r),
  );
  const { tls } = out.server;
  if (tls.cert !== undefined) tls.cert = resolve(baseFor(['server', 'tls', 'cert']), tls.cert);
  if (tls.key !== undefined) tls.key = resolve(baseFor(['server', 'tls', 'key']), tls.key);
  const logFile = out.logging.file_config;
  logFile.path = resolve(baseFor(['logging', 'file_config', 'path']), logFile.path);
  const auth = out.mcp.authentication;
  if (auth.token_file !== undefined)
    auth.token_file = resolve(baseFor(['mcp', 'authentication', 'token_file']), auth.token_file);
  return out;
}
