// Builders for registry tests: temporary folders, task folders and local git repositories.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import type { ResolvedSource } from '../sources.ts';

const run = promisify(execFile);

export async function tempDir(
  prefix = 'ratchet-registry-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface TaskSpec {
  name: string;
  version?: string;
  /** Body of main.js; default returns the input plus the version. */
  code?: string;
  uuid?: string;
  description?: string;
}

/** Writes a valid task folder at dir (metadata.json, main.js, an input schema). */
export async function writeTask(dir: string, spec: TaskSpec): Promise<void> {
  const version = spec.version ?? '1.0.0';
  await mkdir(dir, { recursive: true });
  const metadata: Record<string, unknown> = { name: spec.name, version };
  if (spec.uuid) metadata.uuid = spec.uuid;
  if (spec.description) metadata.description = spec.description;
  await writeFile(join(dir, 'metadata.json'), JSON.stringify(metadata, null, 2));
  await writeFile(
    join(dir, 'main.js'),
    spec.code ?? `function main(input) {\n  return { version: ${JSON.stringify(version)}, input };\n}\n`,
  );
  await writeFile(join(dir, 'input.schema.json'), JSON.stringify({ type: 'object' }));
}

/** Runs git in cwd with a fixed identity (tests must not depend on the machine's git config). */
export async function gitIn(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(
    'git',
    [
      '-c',
      'user.name=Ratchet Test',
      '-c',
      'user.email=test@ratchet.invalid',
      '-c',
      'init.defaultBranch=main',
      ...args,
    ],
    { cwd },
  );
  return stdout.trim();
}

/** A new repository at dir (branch main) with identity set in its config; returns dir. */
export async function initRepo(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  await gitIn(dir, 'init', '-q', '-b', 'main');
  await gitIn(dir, 'config', 'user.name', 'Ratchet Test');
  await gitIn(dir, 'config', 'user.email', 'test@ratchet.invalid');
  return dir;
}

/** Commits everything in the repository; returns the new commit id. */
export async function commitAll(dir: string, message: string): Promise<string> {
  await gitIn(dir, 'add', '-A');
  await gitIn(dir, 'commit', '-q', '-m', message);
  return gitIn(dir, 'rev-parse', 'HEAD');
}

/** A folder source as resolveSources would make it. */
export function folderSource(name: string, path: string): ResolvedSource {
  return {
    name,
    uri: `file://${path}`,
    kind: 'file',
    path,
    branch: null,
    ref: null,
    watch: false,
    refreshIntervalSeconds: null,
    implicit: false,
  };
}
