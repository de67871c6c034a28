// The workflow definition as it runs (normalised from workflow.yaml / workflow.json, parse.ts) and
// the problems validation reports. Key words follow tasker-core's templates (DESIGN.md §5b).

export type Backoff = 'exponential' | 'fixed';

export interface RetryPolicy {
  retryable: boolean;
  /** Counting the first attempt. */
  max_attempts: number;
  backoff: Backoff;
  backoff_base_ms: number;
  max_backoff_ms: number;
}

export interface StepDefinition {
  name: string;
  /** The task's name. */
  task: string;
  /** A pinned task version (`task: name@1.2.0`); absent: the task's latest version when it runs. */
  task_version?: string;
  dependencies: string[];
  /**
   * A JSONata expression (string) producing the whole input, or an object whose string values are
   * expressions and other values literals. Absent: { workflow, steps: { dependency: output } }.
   */
  input?: unknown;
  retry: RetryPolicy;
  /** Milliseconds one attempt may run. */
  timeout_ms?: number;
  /** A JSONata condition; false → the step is SKIPPED. */
  when?: string;
  on_failure: 'fail' | 'continue';
  /** A JSONata expression giving an array: the task runs once per element. */
  for_each?: string;
  max_parallel?: number;
}

export interface WorkflowDefinition {
  name: string;
  version: string;
  description: string;
  /** JSON Schema of the run's input. */
  input_schema?: Record<string, unknown>;
  /** Like a step's input mapping, over { workflow, steps }; absent: { leaf: output }. */
  output?: unknown;
  steps: StepDefinition[];
}

export interface WorkflowProblem {
  file?: string;
  line?: number;
  column?: number;
  step?: string;
  message: string;
}

export class WorkflowDefinitionError extends Error {
  readonly problems: WorkflowProblem[];
  constructor(problems: WorkflowProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'WorkflowDefinitionError';
    this.problems = problems;
  }
}

export function formatProblem(p: WorkflowProblem): string {
  const where = p.file ? `${p.file}${p.line ? `:${p.line}:${p.column ?? 1}` : ''}: ` : '';
  return `${where}${p.step ? `step "${p.step}": ` : ''}${p.message}`;
}

export const DEFAULT_RETRY: RetryPolicy = {
  retryable: true,
  max_attempts: 1,
  backoff: 'exponential',
  backoff_base_ms: 1000,
  max_backoff_ms: 30_000,
};
