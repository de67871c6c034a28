// What dist/ was built from: a hash of every source the build reads (src/, web/, tools/, the TypeScript
// and Vite configuration, the lockfile), written to dist/.build-stamp at the end of `npm run
// build`. checks.ts compares it to skip a second build right after `npm ci` built the same tree.
// Run as a script (`node test/helpers/build-stamp.ts write`) by the build itself.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const FILES = ['package-lock.json', 'package.json', 'tsconfig.json', 'tsconfig.build.json'];
const TREES = ['src', 'web', 'tools'];

function walk(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) out.push(path);
  }
}

export function sourceHash(): string {
  const files = FILES.map((f) => join(ROOT, f));
  for (const tree of TREES) walk(join(ROOT, tree), files);
  const hash = createHash('sha256');
  for (const file of files.sort()) {
    hash.update(relative(ROOT, file)).update('\0');
    hash.update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function buildIsCurrent(): boolean {
  return existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === sourceHash();
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'write') {
  writeFileSync(STAMP, `${sourceHash()}\n`);
}
