// Git sources: a shallow checkout of the configured branch, tag or commit in the cache folder,
// made and refreshed with the system `git`. The checkout belongs to Ratchet: local edits in it
// are discarded on every refresh.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { gitRefProblem, gitUriProblem } from '../config/git-names.ts';
import type { ResolvedSource } from './sources.ts';

/** A network fetch that hangs (dead host, credential prompt) must not hang the sync forever. */
const GIT_TIMEOUT_MS = 120_000;

export class GitSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitSourceError';
  }
}

export interface GitCheckout {
  dir: string;
  commit: string;
}

/** `cache_dir/<name>-<hash of uri>`: a changed URI gets a fresh checkout instead of a mixed one. */
export function checkoutDir(cacheDir: string, source: Pick<ResolvedSource, 'name' | 'uri'>): string {
  const hash = createHash('sha256').update(source.uri).digest('hex').slice(0, 12);
  const safe = source.name.replace(/[^A-Za-z0-9._-]+/g, '_');
  return join(cacheDir, `${safe}-${hash}`);
}

interface GitResult {
  stdout: string;
  stderr: string;
}

export function git(args: string[], cwd?: string): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd,
        timeout: GIT_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
        // Never wait for a password on a terminal nobody is watching.
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', SSH_ASKPASS: 'echo' },
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        const why =
          e.code === 'ENOENT'
            ? 'the git command is not installed (git sources need the system git)'
            : e.killed
              ? `timed out after ${GIT_TIMEOUT_MS / 1000} s`
              : stderr.trim() || e.message;
        reject(new GitSourceError(`git ${args[0]} failed: ${why}`));
      },
    );
  });
}

function describe(source: ResolvedSource): string {
  const at = source.ref ? ` ref ${source.ref}` : source.branch ? ` branch ${source.branch}` : '';
  return `git source "${source.name}" (${source.uri}${at})`;
}

/**
 * The configuration schema already refuses these; sources can also be built in code (tests,
 * future faces), so the last line of defence sits right before git runs. Values are passed after
 * `--` as well, so even a value that slipped through is never read as an option.
 */
function assertSafeSource(source: ResolvedSource): void {
  const uriProblem = gitUriProblem(source.uri);
  if (uriProblem) throw new GitSourceError(`uri ${uriProblem}`);
  for (const key of ['branch', 'ref'] as const) {
    const value = source[key];
    const problem = value === null ? undefined : gitRefProblem(value);
    if (problem) throw new GitSourceError(`${key} "${value}" is not a valid git name: it ${problem}`);
  }
}

async function prepare(dir: string, uri: string): Promise<void> {
  if (existsSync(join(dir, '.git'))) {
    await git(['remote', 'set-url', '--', 'origin', uri], dir);
    return;
  }
  // A half-made folder (interrupted first clone) is ours to replace.
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await git(['init', '-q'], dir);
  await git(['remote', 'add', '--', 'origin', uri], dir);
}

/** Fetches what `ref` names when a shallow fetch cannot (abbreviated commit ids, servers that refuse ids). */
async function fetchAllAndResolve(dir: string, ref: string): Promise<string> {
  const args = ['fetch', '-q', '--tags', '--', 'origin', '+refs/heads/*:refs/remotes/origin/*'];
  if (existsSync(join(dir, '.git', 'shallow'))) args.splice(2, 0, '--unshallow');
  await git(args, dir);
  for (const candidate of [ref, `origin/${ref}`]) {
    try {
      const { stdout } = await git(
        ['rev-parse', '--verify', '-q', '--end-of-options', `${candidate}^{commit}`],
        dir,
      );
      return stdout.trim();
    } catch {
      // try the next spelling
    }
  }
  throw new GitSourceError(`ref "${ref}" is not a branch, tag or commit of the repository`);
}

/**
 * Makes (first time) or refreshes the checkout of a git source and returns it with the commit
 * checked out. `ref` (tag or commit) wins over `branch`; neither means the remote's default branch.
 */
export async function refreshGitCheckout(source: ResolvedSource, cacheDir: string): Promise<GitCheckout> {
  const dir = checkoutDir(cacheDir, source);
  try {
    assertSafeSource(source);
    await prepare(dir, source.uri);
    const target = source.ref ?? source.branch ?? 'HEAD';
    let commitish = 'FETCH_HEAD';
    try {
      await git(['fetch', '-q', '--depth', '1', '--no-tags', '--', 'origin', target], dir);
    } catch (err) {
      if (!source.ref) throw err;
      commitish = await fetchAllAndResolve(dir, source.ref);
    }
    await git(['checkout', '-q', '--force', '--detach', commitish], dir);
    await git(['clean', '-q', '-ffdx'], dir);
    const { stdout } = await git(['rev-parse', 'HEAD'], dir);
    return { dir, commit: stdout.trim() };
  } catch (err) {
    throw new GitSourceError(`${describe(source)}: ${(err as Error).message}`);
  }
}

/** Whether the repository answers (and has the branch or ref, when it is a name), without fetching. */
export async function checkGitReachable(source: ResolvedSource): Promise<void> {
  try {
    assertSafeSource(source);
    const { stdout } = await git(['ls-remote', '--', source.uri]);
    const name = source.ref ?? source.branch;
    if (name && !/^[0-9a-f]{7,40}$/i.test(name)) {
      const refs = stdout.split('\n').map((l) => l.split('\t')[1] ?? '');
      const hit = refs.some((r) => r === `refs/heads/${name}` || r === `refs/tags/${name}` || r === name);
      if (!hit) throw new GitSourceError(`the repository has no branch or tag "${name}"`);
    }
  } catch (err) {
    throw new GitSourceError(`${describe(source)}: ${(err as Error).message}`);
  }
}
