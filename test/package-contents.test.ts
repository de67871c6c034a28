// What `npm pack` ships is dist/ (built by `npm test` before this runs), README and docs: no test,
// test helper or fixture is compiled into dist/, and every package dist/ imports is a runtime
// dependency (a devDependency there would break `npm install --omit=dev`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageOf } from '../tools/package-name.ts';
import { importsOf } from './helpers/imports-of.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  files: string[];
  dependencies: Record<string, string>;
};

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : [],
  );
}

void test('the package ships dist, README and docs only, and dist holds no test code', () => {
  assert.deepEqual([...pkg.files].sort(), ['README.md', 'dist', 'docs']);
  const files = jsFiles(DIST).map((f) => relative(DIST, f));
  assert.ok(files.includes('cli/main.js'), 'dist/ is built');
  assert.deepEqual(
    files.filter((f) => /\.test\.js$|test-helpers|fixture|test-app\.js$/.test(f)),
    [],
  );
  // node:assert is not among them: bundled packages (undici, in the fetch helper's thread) use it
  // at run time.
  const usingTestLibraries = files.filter((f) =>
    importsOf(join(DIST, f)).some((spec) => /^(node:test|@modelcontextprotocol\/client)$/.test(spec)),
  );
  assert.deepEqual(usingTestLibraries, []);
});

void test('every package dist/ imports is a runtime dependency', () => {
  const missing = new Set<string>();
  // dist/web holds the dashboard's browser bundles: Vite has inlined every import (their text may
  // even contain import snippets, such as the code editor's completions).
  for (const file of jsFiles(DIST).filter((f) => !relative(DIST, f).startsWith('web/'))) {
    for (const spec of importsOf(file)) {
      if (spec.startsWith('.') || isBuiltin(spec)) continue;
      const name = packageOf(spec);
      if (!Object.hasOwn(pkg.dependencies, name)) missing.add(`${name} (${relative(DIST, file)})`);
    }
  }
  assert.deepEqual([...missing], []);
});
