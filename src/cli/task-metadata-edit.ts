// Editing a task folder's metadata.json from the command line (the guide's spellings):
//   ratchet update task-metadata DIR --timeout MS --add-tag T --remove-tag T --set-version V
//   ratchet clone task SRC NEW [--update-metadata] [--clear-tests]
// Every edit is checked with the metadata parser before anything is written, so a bad value (a
// version that is not semver, a negative timeout) is refused with the parser's own message and the
// folder is left as it was.
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { parseMetadata, slugify } from '../tasks/metadata.ts';
import { formatProblem } from '../tasks/types.ts';
import { UsageError } from './errors.ts';
import { parsePositiveInt } from './task-path.ts';

type Raw = Record<string, unknown>;

async function readMetadata(dir: string, command: string): Promise<Raw> {
  const file = join(dir, 'metadata.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`${command}: no metadata.json in ${dir}`);
  }
  try {
    const raw = JSON.parse(text) as unknown;
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return raw as Raw;
  } catch {
    // Reported below.
  }
  throw new UsageError(`${command}: ${file} is not a JSON object; fix it first (ratchet validate ${dir})`);
}

/** Writes metadata.json after the parser accepted it; refuses with the parser's problems otherwise. */
async function writeMetadata(dir: string, raw: Raw, command: string): Promise<void> {
  const { problems } = parseMetadata(raw);
  if (problems.length > 0) {
    throw new UsageError(`${command}: ${problems.map((p) => formatProblem(p)).join('; ')}`);
  }
  await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(raw, null, 2)}\n`);
}

interface UpdateOptions {
  timeout?: string;
  addTag?: string[];
  removeTag?: string[];
  setVersion?: string;
  label?: string;
  description?: string;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerUpdate(program: Command): void {
  const update = program.command('update').description('edit a task folder in place');
  update
    .command('task-metadata')
    .description("change a task folder's metadata.json: timeout, tags, version, label, description")
    .argument('<dir>', 'task folder')
    .option('--timeout <ms>', 'time limit per run, milliseconds')
    .option('--add-tag <tag>', 'add a tag (repeatable)', collect)
    .option('--remove-tag <tag>', 'remove a tag (repeatable)', collect)
    .option('--set-version <version>', 'the version (semver)')
    .option('--label <text>', 'the display name')
    .option('--description <text>', 'the description')
    .action(async (dir: string, o: UpdateOptions) => {
      const command = 'update task-metadata';
      const raw = await readMetadata(dir, command);
      const changed: string[] = [];
      if (o.timeout !== undefined) {
        raw.timeout = parsePositiveInt(o.timeout, '--timeout');
        changed.push(`timeout ${String(raw.timeout)}`);
      }
      if (o.setVersion !== undefined) {
        raw.version = o.setVersion;
        changed.push(`version ${o.setVersion}`);
      }
      for (const key of ['label', 'description'] as const) {
        if (o[key] === undefined) continue;
        raw[key] = o[key];
        changed.push(`${key} ${JSON.stringify(o[key])}`);
      }
      if (o.addTag || o.removeTag) {
        const tags = new Set(Array.isArray(raw.tags) ? (raw.tags as unknown[]).map(String) : []);
        for (const t of o.addTag ?? []) tags.add(t);
        for (const t of o.removeTag ?? []) tags.delete(t);
        raw.tags = [...tags];
        changed.push(`tags ${JSON.stringify(raw.tags)}`);
      }
      if (changed.length === 0) {
        throw new UsageError(
          `${command}: nothing to change; give --timeout, --add-tag, --remove-tag, --set-version, --label or --description`,
        );
      }
      await writeMetadata(dir, raw, command);
      process.stdout.write(`${join(dir, 'metadata.json')}: ${changed.join(', ')}\n`);
    });
}

export function registerClone(program: Command): void {
  const clone = program.command('clone').description('copy a task folder under a new name');
  clone
    .command('task')
    .description('copy a task folder to NEW with the task renamed (and a UUID of its own)')
    .argument('<src>', 'the task folder to copy')
    .argument('<new>', 'the new folder; its last part is the new task name')
    .option('--update-metadata', 'also start the copy at version 1.0.0 with a label from the new name')
    .option('--clear-tests', 'leave the test cases behind (an empty tests/ folder)')
    .action(async (src: string, dest: string, o: { updateMetadata?: boolean; clearTests?: boolean }) => {
      const command = 'clone task';
      const raw = await readMetadata(src, command);
      if (await exists(dest)) throw new UsageError(`${command}: ${dest} already exists; choose a new folder`);
      const name = slugify(basename(dest));
      if (name === '')
        throw new UsageError(`${command}: cannot make a task name from ${JSON.stringify(dest)}`);
      await cp(src, dest, { recursive: true, errorOnExist: true, force: false });
      try {
        raw.name = name;
        // The copy is a different task: without this it would share (and overwrite) the source's.
        delete raw.uuid;
        if (o.updateMetadata) {
          raw.version = '1.0.0';
          raw.label = name.replace(/[-_]+/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
        }
        if (o.clearTests) {
          await rm(join(dest, 'tests'), { recursive: true, force: true });
          await mkdir(join(dest, 'tests'));
        }
        await writeMetadata(dest, raw, command);
      } catch (err) {
        await rm(dest, { recursive: true, force: true });
        throw err;
      }
      const tests = await readdir(join(dest, 'tests')).catch(() => []);
      process.stdout.write(
        `cloned ${src} → ${dest} as task "${name}" ${String(raw.version)} (${tests.length} test file(s))\n`,
      );
    });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
