// Changing and checking the task sources at run time (console `repo add|verify`, REST
// POST /repositories and /repositories/verify): a source added here lives in the store (every
// node sees it; `registry.sources` in the configuration stays the truth for its own), is synced at
// once and on every `repo refresh`. Verify checks each source is reachable and every task loads,
// without touching the store.
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Ratchet } from './context.ts';
import { allSources, syncSourceByName, type SourceSyncResult } from './registry-service.ts';
import { classifySource, localPathOf, pickSource, persistSource } from '../registry/sources.ts';
import { verifySource, type VerifyResult } from '../registry/verify.ts';
import { ConflictError } from '../store/codec.ts';
import { ValidationError } from './errors.ts';

export interface AddRepositoryInput {
  name: string;
  uri: string;
  branch?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Adds a task source and syncs it; ConflictError when the name is taken. */
export async function addRepository(app: Ratchet, input: AddRepositoryInput): Promise<SourceSyncResult> {
  const problems = [];
  if (!NAME.test(input.name))
    problems.push({ path: 'name', message: 'letters, digits, dot, dash and underscore, at most 64' });
  if (input.uri.trim() === '') problems.push({ path: 'uri', message: 'must not be empty' });
  if (problems.length > 0) throw new ValidationError('invalid repository', problems);
  const existing = await allSources(app);
  if (existing.some((s) => s.name === input.name))
    throw new ConflictError(`a task source named "${input.name}" already exists`);
  const local = localPathOf(input.uri);
  const kind = classifySource(input.uri, input.branch);
  if (kind === 'file' && (!existsSync(local!) || !statSync(local!).isDirectory()))
    throw new ValidationError('invalid repository', [
      { path: 'uri', message: `${local} is not a folder (on the server's host)` },
    ]);
  // Folders are kept as absolute file URLs: a relative one would depend on the working directory.
  const uri = kind === 'file' ? pathToFileURL(local!).href : input.uri;
  await persistSource(app.store.db, {
    name: input.name,
    uri,
    kind,
    ...(kind === 'file' ? { path: local! } : {}),
    branch: input.branch ?? null,
    ref: null,
    watch: false,
    refreshIntervalSeconds: null,
    implicit: false,
    added: true,
  });
  return syncSourceByName(app, input.name);
}

export interface VerifiedRepository extends VerifyResult {
  ok: boolean;
}

/** Checks one source by name, or all of them: reachable, and every task loads. */
export async function verifyRepositories(app: Ratchet, name?: string): Promise<VerifiedRepository[]> {
  const all = await allSources(app);
  const sources = name === undefined ? all : [pickSource(all, name)];
  const out: VerifiedRepository[] = [];
  for (const s of sources) {
    const r = await verifySource(s, app.config.registry.cache_dir);
    out.push({ ...r, ok: r.error === undefined && r.failed.length === 0 });
  }
  return out;
}
