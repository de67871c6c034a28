// Bundles the executor thread's compiled module graph (dist/workers/executor-thread.js and all it
// imports, packages included) into one file, dist/workers/executor-thread.bundle.js, which
// executor-thread-entry.js loads. Run by `npm run build` after tsc.
//
// Why: every executor thread loads its modules afresh (its own V8 isolate), and resolving, reading
// and linking its ~55 modules cost a thread ~21 ms of its start against ~8 ms for one file,
// measured in a worker with the compile cache on. Threads start with every pool start, after each idle
// period (server.workers.idle_thread_seconds) and when one is replaced.
//
// Our modules keep their own import.meta.url: each is rewritten to the URL of the compiled file
// it came from, which dist/ still holds, so URLs built from it (the fetch helper's worker file,
// package resolution through createRequire) resolve exactly as unbundled. Node built-ins stay
// imports; dynamic imports are inlined, so the bundle is a single file.
import { dirname, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const ENTRY = `${DIST}workers${sep}executor-thread.js`;
const BUNDLE = `${DIST}workers${sep}executor-thread.bundle.js`;

/** `import.meta.url` of a dist module, as an expression valid inside the bundle. */
function originalUrl(id: string): string {
  const path = relative(dirname(BUNDLE), id).split(sep).join('/');
  return `new URL(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)}, import.meta.url).href`;
}

await build({
  input: ENTRY,
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
  plugins: [
    {
      name: 'keep-import-meta-url',
      transform(code, id) {
        if (!id.startsWith(DIST) || !code.includes('import.meta.url')) return null;
        return { code: code.replaceAll('import.meta.url', originalUrl(id)), map: null };
      },
    },
  ],
  output: { file: BUNDLE, format: 'esm', codeSplitting: false },
});
