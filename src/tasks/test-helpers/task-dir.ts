// Temp task folders for tests: files given as text, or as values written as pretty JSON.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type FileSpec = Record<string, string | object>;

export const GOOD_FILES: FileSpec = {
  'metadata.json': { name: 'weather', version: '1.0.0', description: 'Weather lookup' },
  'main.js': '(function(input, context) {\n  return { city: input.city };\n})\n',
  'input.schema.json': { type: 'object', required: ['city'], properties: { city: { type: 'string' } } },
  'output.schema.json': { type: 'object', properties: { city: { type: 'string' } } },
  'tests/test-001.json': { input: { city: 'Oslo' }, expected_output: { city: 'Oslo' } },
};

export function asText(spec: FileSpec): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec))
    out[k] = typeof v === 'string' ? v : `${JSON.stringify(v, null, 2)}\n`;
  return out;
}

const made: string[] = [];

/** Writes `spec` into a fresh temp folder (inside a parent that `cleanup` removes). */
export async function makeTaskDir(spec: FileSpec, name = 'task'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ratchet-tasks-'));
  made.push(root);
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [rel, text] of Object.entries(asText(spec))) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}

export async function makeTempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'ratchet-tasks-'));
  made.push(root);
  return root;
}

export async function cleanup(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}
