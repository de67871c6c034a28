// Which task sources exist: the configured `registry.sources[]`, or the implicit `./tasks` folder
// when nothing is configured and it exists. Each is classified as a folder or a git repository
// and persisted in `task_sources` so tasks can point at where they came from.
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RatchetConfig } from '../config/schema.ts';
import { NotFoundError } from '../store/codec.ts';
import type { Db } from '../store/codec.ts';
import type { SourceKind } from '../store/schema.ts';
import { upsertSource } from '../store/repos/sources.ts';
import type { SourceRecord } from '../store/repos/sources.ts';

export interface ResolvedSource {
  name: string;
  /** The URI as configured (made absolute by loadConfig). */
  uri: string;
  kind: SourceKind;
  /** Folder sources: the absolute folder. Git sources: undefined (see git.ts for the checkout). */
  path?: string;
  branch: string | null;
  ref: string | null;
  watch: boolean;
  refreshIntervalSeconds: number | null;
  /** True for the `./tasks` folder used when no source is configured. */
  implicit: boolean;
  /** Added at run time (`repo add`), kept in the store rather than the configuration. */
  added?: boolean;
}

export const DEFAULT_SOURCE_NAME = 'tasks';

/** The local path behind `file://…` or a plain path; undefined for remote URLs. */
export function localPathOf(uri: string): string | undefined {
  if (/^file:\/\//i.test(uri)) {
    try {
      return fileURLToPath(uri);
    } catch {
      // `file://relative/x` is not a valid file URL; loadConfig makes these absolute, keep the text.
      return uri.slice('file://'.length);
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri) || /^[\w.-]+@[\w.-]+:/.test(uri)) return undefined;
  return isAbsolute(uri) ? uri : resolve(uri);
}

/** A bare repository (HEAD, objects/ and refs/ at the top) rather than a folder of tasks. */
function isBareRepository(dir: string): boolean {
  try {
    return (
      statSync(join(dir, 'HEAD')).isFile() &&
      statSync(join(dir, 'objects')).isDirectory() &&
      statSync(join(dir, 'refs')).isDirectory()
    );
  } catch {
    return false;
  }
}

/**
 * A local path is a folder source, read in place (and watchable), unless it asks for git: a
 * `branch` or `ref` is set, the path ends in `.git`, or it is a bare repository. Anything else
 * (https, ssh, scp-style) is a git source.
 */
export function classifySource(uri: string, branch?: string | null, ref?: string | null): SourceKind {
  const local = localPathOf(uri);
  if (local === undefined) return 'git';
  if (branch || ref) return 'git';
  if (/\.git\/?$/.test(local) || isBareRepository(local)) return 'git';
  return 'file';
}

/** The sources to sync, in configuration order; `cwd` locates the implicit `./tasks`. */
export function resolveSources(config: RatchetConfig, cwd: string = process.cwd()): ResolvedSource[] {
  const configured = config.registry.sources;
  if (configured.length === 0) {
    const dir = resolve(cwd, 'tasks');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
    return [
      {
        name: DEFAULT_SOURCE_NAME,
        uri: `file://${dir}`,
        kind: 'file',
        path: dir,
        branch: null,
        ref: null,
        watch: false,
        refreshIntervalSeconds: null,
        implicit: true,
      },
    ];
  }
  return configured.map((s) => {
    const kind = classifySource(s.uri, s.branch, s.ref);
    return {
      name: s.name,
      uri: s.uri,
      kind,
      ...(kind === 'file' ? { path: localPathOf(s.uri)! } : {}),
      branch: s.branch ?? null,
      ref: s.ref ?? null,
      watch: s.config.watch,
      refreshIntervalSeconds: s.config.refresh_interval_seconds ?? null,
      implicit: false,
    };
  });
}

/** Name of the working-directory source `ratchet mcp-serve` adds when no source is configured. */
export const PROJECT_SOURCE_NAME = 'project';

/**
 * `ratchet mcp-serve` started in a project: with no source configured and no ./tasks folder, the
 * working directory itself is the source, so the task folders under it (found to MAX_SCAN_DEPTH,
 * skipping node_modules and dot-folders, scan.ts) are listed without a sync. Otherwise unchanged.
 */
export function withProjectSource(config: RatchetConfig, cwd: string = process.cwd()): RatchetConfig {
  if (config.registry.sources.length > 0 || resolveSources(config, cwd).length > 0) return config;
  const source = { name: PROJECT_SOURCE_NAME, uri: resolve(cwd), config: { watch: false } };
  return { ...config, registry: { ...config.registry, sources: [source] } };
}

/** Creates or updates the source's row (the configuration is the truth for uri, branch, ref). */
export function persistSource(db: Db, source: ResolvedSource): Promise<SourceRecord> {
  return upsertSource(db, {
    name: source.name,
    uri: source.uri,
    kind: source.kind,
    branch: source.branch,
    ref: source.ref,
    config: {
      watch: source.watch,
      ...(source.added ? { added: true } : {}),
      ...(source.refreshIntervalSeconds !== null
        ? { refresh_interval_seconds: source.refreshIntervalSeconds }
        : {}),
    },
  });
}

/** A source row `repo add` made (config.added), as a resolved source; undefined for the others. */
export function addedSourceOf(row: SourceRecord): ResolvedSource | undefined {
  if (row.config.added !== true) return undefined;
  return {
    name: row.name,
    uri: row.uri,
    kind: row.kind,
    ...(row.kind === 'file' ? { path: localPathOf(row.uri)! } : {}),
    branch: row.branch,
    ref: row.ref,
    watch: false,
    refreshIntervalSeconds: null,
    implicit: false,
    added: true,
  };
}

/** Finds a resolved source by name, or throws naming the ones that exist. */
export function pickSource(sources: ResolvedSource[], name: string): ResolvedSource {
  const found = sources.find((s) => s.name === name);
  if (found) return found;
  const known = sources.map((s) => s.name);
  throw new NotFoundError(
    known.length === 0
      ? `no task source named "${name}": no sources are configured (registry.sources) and ./tasks does not exist`
      : `no task source named "${name}"; the sources are: ${known.join(', ')}`,
  );
}
