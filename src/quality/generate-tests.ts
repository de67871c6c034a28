// `ratchet test --generate-tests` and ratchet_generate_test_cases: run every edge input
// (edge-inputs.ts) once and propose a test case for each. A valid input that completes becomes a
// case expecting its current output (to review: it records what the task does, not what it
// should do); a valid input that fails shows the error and becomes a case expecting it (to
// review: maybe a bug); an input the schema rejects becomes a case expecting ValidationError.
import { runTask, type RuntimeLimits } from '../runtime/run-task.ts';
import type { TaskErrorInfo } from '../runtime/types.ts';
import { createMockFetch } from '../testing/mocks.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { edgeInputs } from './edge-inputs.ts';
import { mocksOfTests } from './fuzz-lane.ts';

export type ProposalKind = 'expected-output' | 'unexpected-error' | 'rejected-input';

export interface TestProposal {
  name: string;
  kind: ProposalKind;
  input: unknown;
  /** The task's error for inputs that failed. */
  error?: TaskErrorInfo;
  /** Suggested file under tests/ and its JSON text. */
  file: string;
  content: string;
}

export interface GeneratedTests {
  seed: number;
  proposals: TestProposal[];
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);

export async function generateTests(
  pkg: TaskPackage,
  opts: { seed: number; limits?: RuntimeLimits; timeoutMs?: number },
): Promise<GeneratedTests> {
  const { inputs } = edgeInputs(pkg.inputSchema, opts.seed);
  const mocks = mocksOfTests(pkg);
  const proposals: TestProposal[] = [];
  for (const [i, e] of inputs.entries()) {
    const run = await runTask(pkg, {
      input: e.input,
      fetch: createMockFetch(mocks).fetch,
      limits: opts.limits,
      timeoutMs: opts.timeoutMs ?? Math.min(pkg.metadata.timeoutMs ?? 5000, 5000),
    });
    const name = `generated: ${e.name}`;
    let kind: ProposalKind;
    let body: Record<string, unknown>;
    if (run.status === 'COMPLETED') {
      kind = 'expected-output';
      body = {
        name,
        description: `Generated from the input schema (seed ${opts.seed}); expected_output is what the task returned: review it.`,
        input: e.input,
        expected_output: run.output,
      };
    } else if ((run.error!.details as { phase?: string } | undefined)?.phase === 'input') {
      kind = 'rejected-input';
      body = {
        name,
        description: `Generated from the input schema (seed ${opts.seed}): the schema rejects this input.`,
        input: e.input,
        should_fail: true,
        expected_error: { type: 'ValidationError' },
      };
    } else {
      kind = 'unexpected-error';
      body = {
        name,
        description: `Generated from the input schema (seed ${opts.seed}): the input is valid and the task failed with ${run.error!.type}: ${run.error!.message}. Review: fix the task, or keep this case if the failure is intended.`,
        input: e.input,
        should_fail: true,
        expected_error: { type: run.error!.type },
      };
    }
    const proposal: TestProposal = {
      name,
      kind,
      input: e.input,
      file: `generated-${String(i + 1).padStart(3, '0')}-${slug(e.name)}.json`,
      content: `${JSON.stringify(body, null, 2)}\n`,
    };
    if (run.status === 'FAILED' && kind !== 'rejected-input') proposal.error = run.error;
    proposals.push(proposal);
  }
  return { seed: opts.seed, proposals };
}
