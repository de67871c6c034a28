// Coverage instrumentation with istanbul-lib-instrument (the instrumenter nyc and Jest use):
// counters for statements, branches and functions kept in one guest global that the sandbox reads
// back after the run (SandboxRequest.collectGlobal). `retainLines` keeps every original statement
// on its original line, so a task's error locations are the same with and without coverage; the
// counter header goes on line 1 ahead of the author's first line.
import istanbul from 'istanbul-lib-instrument';
import { parse, type Node, type VariableDeclarator } from 'acorn';
import { simple } from 'acorn-walk';
import type { FileCoverageData } from 'istanbul-lib-coverage';
import type { TaskPackage } from '../tasks/types.ts';
import { taskProgram } from './source.ts';

export const COVERAGE_GLOBAL = '__ratchet_coverage__';
/** Read back after each run: only the counters ({ file: { s, f, b } }), not the source maps. */
export const COUNTERS_GLOBAL = '__ratchet_coverage_counters__';

// Put before the instrumented code on line 1 (no line break, so no line moves).
const COUNTERS_GETTER =
  `Object.defineProperty(globalThis, ${JSON.stringify(COUNTERS_GLOBAL)}, { configurable: true, get() {` +
  ` const c = globalThis[${JSON.stringify(COVERAGE_GLOBAL)}] || {}; const o = {};` +
  ' for (const k of Object.keys(c)) o[k] = { s: c[k].s, f: c[k].f, b: c[k].b }; return o; } });';

export interface CoverageCounters {
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}

export interface InstrumentedTask {
  pkg: TaskPackage;
  /** The file key inside the coverage data (the path reports show). */
  file: string;
  /** The all-zero coverage data (maps and counters) of the file. */
  initial: FileCoverageData;
}

// Instrumenting costs ~15 ms (Babel); a suite run again (watch mode, the MCP tool, a benchmark)
// reuses the result for the same source and file key.
const cache = new Map<string, { code: string; initial: FileCoverageData }>();
const MAX_CACHED = 100;

export function instrumentForCoverage(pkg: TaskPackage, file: string): InstrumentedTask {
  const key = `${file}\0${pkg.code}`;
  const hit = cache.get(key);
  if (hit !== undefined) return { pkg: { ...pkg, code: hit.code }, file, initial: hit.initial };
  const instrumented = instrument(pkg.code, file);
  // The instrumenter embeds the all-zero coverage object in its output; istanbul reads it back.
  const read = istanbul.readInitialCoverage(instrumented) as { coverageData: FileCoverageData } | null;
  if (!read) throw new Error(`could not read the initial coverage of ${file}`);
  const entry = {
    code: COUNTERS_GETTER + withCountersOnly(instrumented, read.coverageData),
    initial: read.coverageData,
  };
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, entry);
  return { pkg: { ...pkg, code: entry.code }, file, initial: entry.initial };
}

function instrument(source: string, file: string): string {
  const { code } = taskProgram(source);
  const instrumenter = istanbul.createInstrumenter({
    coverageVariable: COVERAGE_GLOBAL,
    // No `new Function("return this")` in the guest: globalThis is all it needs.
    coverageGlobalScope: 'globalThis',
    coverageGlobalScopeFunc: false,
    compact: false,
    esModules: false,
    produceSourceMap: false,
    // Comments off: the counter header carries a line comment that would push the code down.
    generatorOpts: { retainLines: true, comments: false },
  });
  return instrumenter.instrumentSync(code, file);
}

// istanbul embeds the whole coverage object (statement, function and branch maps with every
// location) in the code, so the guest would parse and build it on every run only for the host to
// ignore it: the maps are kept here (`initial`) and counters are all the guest needs, so the
// literal is replaced by one holding the path and zeroed counters (istanbul's hash check then
// always takes this object, which is right: the guest's context is fresh on every run). On
// data-filter this halves the instrumented source and the per-case overhead (bench/quality.ts).
function withCountersOnly(instrumented: string, initial: FileCoverageData): string {
  const program = parse(instrumented, { ecmaVersion: 'latest', sourceType: 'script' });
  // The counter function istanbul puts first (`function cov_<hash>() { … var coverageData = {…} }`);
  // the author's code could declare its own `coverageData`, so only this function is searched.
  const header = program.body[0];
  if (header?.type !== 'FunctionDeclaration' || !header.id.name.startsWith('cov_')) return instrumented;
  let literal: Node | undefined;
  simple(header, {
    VariableDeclarator(node: VariableDeclarator) {
      if (node.id.type === 'Identifier' && node.id.name === 'coverageData' && node.init)
        literal ??= node.init;
    },
  });
  if (literal === undefined) return instrumented;
  const { path, s, f, b } = initial;
  // JSON has no line breaks here, so every line of the author's code stays where it was.
  const compact = JSON.stringify({ path, s, f, b });
  return instrumented.slice(0, literal.start) + compact + instrumented.slice(literal.end);
}
