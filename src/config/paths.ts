// Relative paths in the configuration. A relative path written in a config file means "next to this
// file" (so `ratchet --config /etc/ratchet/ratchet.yaml` works from any folder); a relative path from
// the environment or from a default means "from the current directory", like any command-line path.
// loadConfig() returns every path absolute, so nothing downstream needs to know where it came from.
import { isAbsolute, resolve } from 'node:path';
import type { RatchetConfig } from './schema.ts';

export type DatabaseLocation =
  { kind: 'sqlite'; file: string | ':memory:' } | { kind: 'postgres'; url: string };

/** Where a database URL points: a SQLite file (absolute only if the URL was resolved), memory, or PostgreSQL. */
export function databaseLocation(url: string): DatabaseLocation {
  if (/^postgres(ql)?:\/\//i.test(url)) return { kind: 'postgres', url };
  if (url === 'sqlite::memory:' || url === 'sqlite://:memory:') return { kind: 'sqlite', file: ':memory:' };
  const m = /^sqlite:(?:\/\/)?(.*)$/i.exec(url);
  if (!m || m[1] === '') throw new Error(`not a database URL: ${JSON.stringify(url)}`);
  return { kind: 'sqlite', file: m[1]!.replace(/\?.*$/, '') };
}

/**
 * `sqlite://./data/ratchet.db` with baseDir `/srv` → `sqlite:///srv/data/ratchet.db`. In-memory and
 * PostgreSQL URLs are returned unchanged; so are absolute SQLite paths.
 */
export function resolveSqlitePath(url: string, baseDir: string): string {
  const location = databaseLocation(url);
  if (location.kind !== 'sqlite' || location.file === ':memory:') return url;
  const query = /\?.*$/.exec(url)?.[0] ?? '';
  return `sqlite://${resolve(baseDir, location.file)}${query}`;
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
  const { tls } = out.server;
  if (tls.cert !== undefined) tls.cert = resolve(baseFor(['server', 'tls', 'cert']), tls.cert);
  if (tls.key !== undefined) tls.key = resolve(baseFor(['server', 'tls', 'key']), tls.key);
  return out;
}
