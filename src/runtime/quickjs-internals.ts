// What the sandbox relies on inside quickjs-emscripten beyond its public API, checked once per
// instance with a clear failure instead of a silent slow path: the WebAssembly binary's memory
// layout (wasm-layout.ts, for snapshots), the runtime's `hostRefs` table (host-refs.ts) and the
// JSRuntime pointer `rt.value` whose malloc_size tells an out-of-memory `throw null` from a task's
// own (prepared-context.ts). The packages are pinned to an exact version in package.json; an
// upgrade must pass src/runtime/snapshot.test.ts and re-check the three points in
// docs/architecture.md ("Upgrading quickjs-emscripten").
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The installed version (its package.json, found above its entry point: exports hide it). */
function installedVersion(): string {
  try {
    let dir = dirname(createRequire(import.meta.url).resolve('quickjs-emscripten-core'));
    for (; dir !== dirname(dir); dir = dirname(dir)) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'quickjs-emscripten-core' && pkg.version) return pkg.version;
    }
  } catch {
    // Unreadable: the message below still names the problem.
  }
  return '(unknown version)';
}

export class QuickJSInternalsError extends Error {
  constructor(what: string) {
    super(
      `quickjs-emscripten ${installedVersion()} is laid out differently than the sandbox expects: ${what}; ` +
        'install the version package.json pins, or see docs/architecture.md "Upgrading quickjs-emscripten"',
    );
    this.name = 'QuickJSInternalsError';
  }
}

/** The value, or a QuickJSInternalsError naming what was missing. */
export function requireInternal<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new QuickJSInternalsError(what);
  return value;
}
