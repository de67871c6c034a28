// Bundles compiled module graphs of dist/ with rolldown. Run by `npm run build` after tsc.
//
// 1. The executor thread (dist/workers/executor-thread.js and all it imports, packages included)
//    into one file, dist/workers/executor-thread.bundle.js, which executor-thread-entry.js loads.
//    Every executor thread loads its modules afresh (its own V8 isolate), and resolving, reading
//    and linking its ~55 modules cost a thread ~21 ms of its start against ~8 ms for one file,
//    measured in a worker with the compile cache on.
// 2. The CLI (dist/cli/main.js and all it imports, with the pure-JavaScript packages below) into
//    dist/cli/main.js and a chunk per lazily imported part in dist/cli/chunks/: a command loads a
//    few dozen files instead of hundreds (`task list`: ~750 modules, ~0.48 s to run, bundled
//    ~95 files, ~0.35 s). Each command loads only its own chunks. Packages not listed stay
//    external, imported from node_modules as before: some find files beside their own (static
//    assets, worker scripts, WebAssembly), which a bundle would move away from them.
// 3. The other worker threads' entry files (test cases, fuzzing, quality checks, …), each replaced
//    by a bundle of itself, packages included: threads are started by the URL of that file.
//
// Our modules keep their own import.meta.url: each is rewritten to the URL of the compiled file
// it came from, which dist/ still holds, so URLs built from it (worker files, the dashboard's
// folder, package resolution through createRequire) resolve exactly as unbundled. The rewrite is
// relative to the file the module lands in, known only once chunks are made (renderChunk).
// Node built-ins stay imports.
import { readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'rolldown';
import type * as CommandIndex from '../src/cli/command-index.ts';
import { packageOf } from './package-name.ts';
import { THREAD_ENTRIES } from './thread-entries.ts';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const MARK = '__RATCHET_DIST_FILE__/';
const MARKED = new RegExp(`"${MARK}([^"]+)"`, 'g');
const BANNER = '// Bundled by tools/bundle.ts from the compiled modules of dist/.';

/** Packages bundled into the CLI: pure JavaScript that reads no files of its own. */
const CLI_PACKAGES = new Set([
  'kysely',
  'zod',
  'yaml',
  'semver',
  'commander',
  'croner',
  'smol-toml',
  'diff',
  'acorn',
  'acorn-walk',
  'jsonata',
]);

/** Each dist module's import.meta.url, as the URL of its compiled file, relative to its chunk in outDir. */
const keepImportMetaUrl = (outDir: string): Plugin => ({
  name: 'keep-import-meta-url',
  transform(code, id) {
    if (!id.startsWith(DIST)) return null;
    if (/import\.meta\.(filename|dirname)/.test(code))
      throw new Error(`${id}: use import.meta.url (the bundler keeps it), not import.meta.filename/dirname`);
    if (!code.includes('import.meta.url')) return null;
    const marked = JSON.stringify(MARK + relative(DIST, id).split(sep).join('/'));
    return {
      code: code.replaceAll('import.meta.url', `new URL(${marked}, import.meta.url).href`),
      map: null,
    };
  },
  renderChunk(code, chunk) {
    const chunkDir = dirname(`${outDir}/${chunk.fileName}`);
    return code.replace(MARKED, (_, file: string) => {
      const path = relative(chunkDir, `${DIST}${file}`).split(sep).join('/');
      return JSON.stringify(path.startsWith('.') ? path : `./${path}`);
    });
  },
});

/** A bundle replaces its compiled entry file: bundling it again would start from the bundle. */
function refuseBundled(file: string): void {
  if (readFileSync(file, 'utf8').includes(BANNER))
    throw new Error(`${file} is bundled already: run tsc first`);
}

async function bundleExecutorThread(): Promise<void> {
  await build({
    input: `${DIST}workers/executor-thread.js`,
    platform: 'node',
    external: [/^node:/],
    logLevel: 'warn',
    plugins: [keepImportMetaUrl(`${DIST}workers`)],
    output: { dir: `${DIST}workers`, entryFileNames: 'executor-thread.bundle.js', codeSplitting: false },
  });
}

async function bundleThreadInPlace(entry: string): Promise<void> {
  const file = `${DIST}${entry}`;
  refuseBundled(file);
  await build({
    input: file,
    platform: 'node',
    external: [/^node:/],
    logLevel: 'warn',
    plugins: [keepImportMetaUrl(dirname(file))],
    output: { file, banner: BANNER, codeSplitting: false },
  });
}

async function bundleCli(): Promise<void> {
  const entry = `${DIST}cli/main.js`;
  refuseBundled(entry);
  await build({
    input: entry,
    platform: 'node',
    external: (id) =>
      id.startsWith('node:') ||
      (!id.startsWith('.') && !id.startsWith('/') && !CLI_PACKAGES.has(packageOf(id))),
    // Modules imported both statically and lazily stay where the static import puts them.
    checks: { ineffectiveDynamicImport: false },
    logLevel: 'warn',
    plugins: [keepImportMetaUrl(`${DIST}cli`)],
    output: {
      dir: `${DIST}cli`,
      entryFileNames: 'main.js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      banner: BANNER,
    },
  });
}

await bundleExecutorThread();
for (const entry of THREAD_ENTRIES) await bundleThreadInPlace(entry);
await bundleCli();
// The root help's list of commands (src/cli/command-index.ts), from the compiled command modules.
const commandIndex = (await import(`${DIST}cli/command-index.js`)) as typeof CommandIndex;
await commandIndex.writeCommandIndex();
