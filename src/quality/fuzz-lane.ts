// One fuzzing lane: fast-check generates schema-valid inputs (schema-arbitrary.ts), each runs in
// the sandbox, and a failing run is shrunk by fast-check to the smallest input that fails the
// SAME way (same error type, line and message shape). Then the lane goes on with that failure
// treated as known, so one run reports every distinct failure, until its time is up.
import fc from 'fast-check';
import { runTask, type RuntimeLimits, type TaskRunResult } from '../runtime/run-task.ts';
import { compileSchema } from '../tasks/schema.ts';
import { createMockFetch } from '../testing/mocks.ts';
import { parseTestCase, TestCaseError, type MockSpec } from '../testing/test-case.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { arbitraryFromSchema } from './schema-arbitrary.ts';

export type FuzzFailureKind = 'error' | 'output' | 'timeout';

export interface FuzzFailure {
  key: string;
  kind: FuzzFailureKind;
  type: string;
  message: string;
  line?: number;
  /** The smallest input found that fails this way. */
  input: unknown;
  shrinks: number;
  /** Runs of its lane before it was first hit. */
  foundAfterRuns: number;
}

export interface FuzzLaneOptions {
  seed: number;
  /** Epoch milliseconds when the lane stops. */
  untilMs: number;
  /** Per-run timeout. */
  timeoutMs: number;
  limits?: RuntimeLimits;
  maxFailures: number;
}

export interface FuzzLaneResult {
  runs: number;
  /** Generated values the full schema rejected (constraints the generator skips). */
  discarded: number;
  failures: FuzzFailure[];
}

/** Every mock of every test case, each answering any number of times; none: fetch is refused. */
export function mocksOfTests(pkg: TaskPackage): MockSpec[] {
  const all: MockSpec[] = [];
  for (const file of pkg.tests) {
    try {
      all.push(...parseTestCase(file).mocks.map((m) => ({ ...m, times: 'always' as const })));
    } catch (e) {
      if (!(e instanceof TestCaseError)) throw e;
    }
  }
  return all;
}

export function failureOf(
  run: TaskRunResult,
): Omit<FuzzFailure, 'input' | 'shrinks' | 'foundAfterRuns'> | null {
  if (run.status === 'COMPLETED' || !run.error) return null;
  const { type, message } = run.error;
  const kind: FuzzFailureKind =
    type === 'OutputValidationError' ? 'output' : type === 'TimeoutError' ? 'timeout' : 'error';
  const line = run.error.location?.line;
  // Values inside a message (numbers, quoted text) do not make a failure distinct.
  const shape = message.replace(/"[^"]*"|'[^']*'|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi, '…');
  const failure = { key: `${type}:${line ?? ''}:${shape}`, kind, type, message };
  return line === undefined ? failure : { ...failure, line };
}

export async function fuzzLane(pkg: TaskPackage, opts: FuzzLaneOptions): Promise<FuzzLaneResult> {
  const { arbitrary } = arbitraryFromSchema(pkg.inputSchema);
  const validator =
    pkg.inputSchema !== undefined ? compileSchema(pkg.inputSchema, 'input.schema.json') : null;
  const mocks = mocksOfTests(pkg);
  let runs = 0;
  let discarded = 0;
  const valid = arbitrary.filter((v) => {
    if (!validator || validator.validate(v).length === 0) return true;
    discarded++;
    return false;
  });
  const known = new Set<string>();
  const failures: FuzzFailure[] = [];
  for (let round = 0; Date.now() < opts.untilMs && failures.length < opts.maxFailures; round++) {
    let target: string | null = null;
    let last: { failure: NonNullable<ReturnType<typeof failureOf>>; input: unknown } | null = null;
    let firstHit = 0;
    const property = fc.asyncProperty(valid, async (input) => {
      const once = (): Promise<TaskRunResult> => {
        runs++;
        return runTask(pkg, {
          input,
          fetch: createMockFetch(mocks).fetch,
          limits: opts.limits,
          timeoutMs: opts.timeoutMs,
          // Lanes run on threads nobody supervises per run (the CLI's main thread, a lane or
          // quality thread): a run stuck where the sandbox cannot interrupt it is ended by the
          // watchdog of this thread (runtime/watchdog.ts).
          hardDeadline: true,
        });
      };
      let failure = failureOf(await once());
      // A busy machine can stretch one run past the limit: a timeout counts when it repeats.
      if (failure?.kind === 'timeout') failure = failureOf(await once());
      if (!failure) return true;
      if (target === null) {
        if (known.has(failure.key)) return true;
        target = failure.key;
        firstHit = runs;
      } else if (failure.key !== target) {
        return true; // shrinking: only the same failure counts
      }
      last = { failure, input };
      return false;
    });
    const out = await fc.check(property, {
      seed: (opts.seed + round * 7919) | 0,
      numRuns: 1_000_000_000,
      interruptAfterTimeLimit: Math.max(1, opts.untilMs - Date.now()),
      markInterruptAsFailure: false,
    });
    if (!out.failed || last === null) break;
    const found = last as { failure: NonNullable<ReturnType<typeof failureOf>>; input: unknown };
    known.add(found.failure.key);
    failures.push({
      ...found.failure,
      input: found.input,
      shrinks: out.numShrinks,
      foundAfterRuns: firstHit,
    });
  }
  return { runs, discarded, failures };
}
