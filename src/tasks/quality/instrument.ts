// Coverage instrumentation with istanbul-lib-instrument (the instrumenter nyc and Jest use):
// counters for statements, branches and functions kept in one guest global that the sandbox reads
// back after the run (SandboxRequest.collectGlobal). `retainLines` keeps every original statement
// on its original line, so a task's error locations are the same with and without coverage; the
// counter header goes on line 1 ahead of the author's first line.
import istanbul from 'istanbul-lib-instrument';
import type { TaskPackage } from '../types.ts';
import { taskProgram } from './source.ts';

export const COVERAGE_GLOBAL = '__ratchet_coverage__';

export interface InstrumentedTask {
  pkg: TaskPackage;
  /** The file key inside the coverage data (the path reports show). */
  file: string;
}

export function instrumentForCoverage(pkg: TaskPackage, file: string): InstrumentedTask {
  const { code } = taskProgram(pkg.code);
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
  } as Parameters<typeof istanbul.createInstrumenter>[0]);
  const instrumented = instrumenter.instrumentSync(code, file);
  return { pkg: { ...pkg, code: instrumented }, file };
}
