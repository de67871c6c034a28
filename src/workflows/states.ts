// The run and step state machines (issue 16), in one place. Every change of state goes through
// assertRunTransition / assertStepTransition and is stored as a workflow_transitions row
// (store/repos/workflow-runs.ts), so an illegal move is refused before anything is written.

export const RUN_STATES = [
  'PENDING',
  'RUNNING',
  'WAITING_FOR_RETRY',
  'BLOCKED_BY_FAILURES',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'RESOLVED_MANUALLY',
] as const;
export type RunState = (typeof RUN_STATES)[number];

export const STEP_STATES = [
  'PENDING',
  'ENQUEUED',
  'RUNNING',
  'WAITING_FOR_RETRY',
  'COMPLETED',
  'FAILED',
  'SKIPPED',
  'CANCELLED',
  'RESOLVED_MANUALLY',
] as const;
export type StepState = (typeof STEP_STATES)[number];

export const RUN_TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  PENDING: ['RUNNING', 'CANCELLED'],
  RUNNING: [
    'WAITING_FOR_RETRY',
    'BLOCKED_BY_FAILURES',
    'COMPLETED',
    'FAILED',
    'CANCELLED',
    'RESOLVED_MANUALLY',
  ],
  // every active step waits out a backoff
  WAITING_FOR_RETRY: [
    'RUNNING',
    'BLOCKED_BY_FAILURES',
    'COMPLETED',
    'FAILED',
    'CANCELLED',
    'RESOLVED_MANUALLY',
  ],
  // a step failed for good while others still run; FAILED once they end
  BLOCKED_BY_FAILURES: ['RUNNING', 'WAITING_FOR_RETRY', 'FAILED', 'CANCELLED', 'RESOLVED_MANUALLY'],
  COMPLETED: [],
  // retrying or resolving a failed step resumes the run
  FAILED: ['RUNNING', 'COMPLETED', 'RESOLVED_MANUALLY', 'CANCELLED'],
  CANCELLED: [],
  RESOLVED_MANUALLY: [],
};

export const STEP_TRANSITIONS: Readonly<Record<StepState, readonly StepState[]>> = {
  PENDING: ['ENQUEUED', 'SKIPPED', 'CANCELLED', 'RESOLVED_MANUALLY', 'RUNNING'],
  ENQUEUED: ['RUNNING', 'CANCELLED'],
  // RUNNING → RUNNING never happens; RUNNING is recorded with the attempt's start time when its
  // result is stored (nothing is written on the claim path)
  RUNNING: ['COMPLETED', 'FAILED', 'WAITING_FOR_RETRY', 'CANCELLED'],
  WAITING_FOR_RETRY: ['RUNNING', 'CANCELLED', 'RESOLVED_MANUALLY'],
  COMPLETED: [],
  // retried (a new attempt, a for_each step's failed items, or its input computed again); resolved
  FAILED: ['ENQUEUED', 'RUNNING', 'PENDING', 'RESOLVED_MANUALLY'],
  SKIPPED: [],
  CANCELLED: [],
  RESOLVED_MANUALLY: [],
};

/** Steps that are over: their dependents may look at them. */
export const STEP_DONE: readonly StepState[] = [
  'COMPLETED',
  'SKIPPED',
  'RESOLVED_MANUALLY',
  'FAILED',
  'CANCELLED',
];
/** Steps with a job in the queue (or about to get one back). */
export const STEP_ACTIVE: readonly StepState[] = ['ENQUEUED', 'RUNNING', 'WAITING_FOR_RETRY'];
export const RUN_FINAL: readonly RunState[] = ['COMPLETED', 'CANCELLED', 'RESOLVED_MANUALLY'];
/** Runs that have ended: the final states and FAILED (which a retry can still reopen). */
export const RUN_ENDED: readonly RunState[] = [...RUN_FINAL, 'FAILED'];

export function runEnded(status: string): boolean {
  return (RUN_ENDED as readonly string[]).includes(status);
}

export class IllegalWorkflowTransitionError extends Error {
  constructor(what: string, from: string, to: string, allowed: readonly string[]) {
    super(
      `${what} is ${from} and cannot become ${to}` +
        (allowed.length ? ` (from ${from} it can become ${allowed.join(', ')})` : ` (${from} is final)`),
    );
    this.name = 'IllegalWorkflowTransitionError';
  }
}

export function assertRunTransition(what: string, from: RunState, to: RunState): void {
  if (!RUN_TRANSITIONS[from].includes(to))
    throw new IllegalWorkflowTransitionError(what, from, to, RUN_TRANSITIONS[from]);
}

export function assertStepTransition(what: string, from: StepState, to: StepState): void {
  if (!STEP_TRANSITIONS[from].includes(to))
    throw new IllegalWorkflowTransitionError(what, from, to, STEP_TRANSITIONS[from]);
}

/** The state a run's steps put it in (undefined: all done — the caller picks COMPLETED or RESOLVED_MANUALLY). */
export function runStateFrom(steps: readonly { state: StepState; blocking: boolean }[]): RunState {
  const active = steps.some((s) => s.state === 'ENQUEUED' || s.state === 'RUNNING');
  const waiting = steps.some((s) => s.state === 'WAITING_FOR_RETRY');
  const failed = steps.some((s) => s.state === 'FAILED' && s.blocking);
  if (failed) return active || waiting ? 'BLOCKED_BY_FAILURES' : 'FAILED';
  if (active) return 'RUNNING';
  if (waiting) return 'WAITING_FOR_RETRY';
  if (steps.some((s) => s.state === 'PENDING')) return 'RUNNING';
  return steps.some((s) => s.state === 'RESOLVED_MANUALLY') ? 'RESOLVED_MANUALLY' : 'COMPLETED';
}
