// Reading a workflow file: YAML or JSON text (the yaml library reads both and keeps each node's
// position) checked against the format's shape (zod), normalised to a WorkflowDefinition. Every
// problem names the file, the line and column of the offending value, and the step it is in.
import { LineCounter, parseDocument, type Document } from 'yaml';
import semver from 'semver';
import { z } from 'zod';
import {
  DEFAULT_RETRY,
  WorkflowDefinitionError,
  type StepDefinition,
  type WorkflowDefinition,
  type WorkflowProblem,
} from './types.ts';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

const retrySchema = z
  .object({
    retryable: z.boolean().optional(),
    max_attempts: z.number().int().min(1).max(100).optional(),
    backoff: z.enum(['exponential', 'fixed']).optional(),
    backoff_base_ms: z.number().int().min(0).max(86_400_000).optional(),
    max_backoff_ms: z.number().int().min(0).max(86_400_000).optional(),
  })
  .strict();

const stepSchema = z
  .object({
    name: z.string().regex(NAME, 'a step name is letters, digits, "_", "." and "-"'),
    task: z.string().min(1),
    dependencies: z.array(z.string()).optional(),
    depends_on: z.array(z.string()).optional(),
    input: z.unknown().optional(),
    retry: retrySchema.optional(),
    timeout: z
      .union([
        z.number().int().positive(),
        z.string().regex(/^\d+(ms|s|m)$/, 'a timeout is ms, or a number with ms, s or m'),
      ])
      .optional(),
    when: z.string().min(1).optional(),
    on_failure: z.enum(['fail', 'continue']).optional(),
    for_each: z.string().min(1).optional(),
    max_parallel: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

const workflowSchema = z
  .object({
    name: z.string().regex(NAME, 'a workflow name is letters, digits, "_", "." and "-"'),
    version: z.string().refine((v) => semver.valid(v) !== null, 'version must be semver (e.g. 1.0.0)'),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
    output: z.unknown().optional(),
    steps: z.array(stepSchema).min(1, 'a workflow needs at least one step'),
  })
  .strict();

type RawStep = z.infer<typeof stepSchema>;

/** Parses and normalises a workflow file's text; throws WorkflowDefinitionError with positions. */
export function parseWorkflowText(text: string, file: string): WorkflowDefinition {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new WorkflowDefinitionError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          message: `invalid ${kindOf(file)}: ${firstLine(e.message)}`,
        };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  const parsed = workflowSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WorkflowDefinitionError(
      parsed.error.issues.map((issue) => problemAt(doc, lineCounter, file, issue.path, raw, issue.message)),
    );
  }
  const w = parsed.data;
  const problems: WorkflowProblem[] = [];
  const steps = w.steps.map((s, i) =>
    normaliseStep(s, (message, key) =>
      problems.push(problemAt(doc, lineCounter, file, ['steps', i, ...(key ? [key] : [])], raw, message)),
    ),
  );
  if (problems.length > 0) throw new WorkflowDefinitionError(problems);
  return {
    name: w.name,
    version: w.version,
    description: w.description ?? '',
    ...(w.input_schema ? { input_schema: w.input_schema } : {}),
    ...(w.output !== undefined ? { output: w.output } : {}),
    steps,
  };
}

/** Where a definition's value is written: line and column of `path` in the file. */
export function locator(
  text: string,
  file: string,
): (path: (string | number)[], step?: string) => WorkflowProblem {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  return (path, step) => {
    const p = problemAt(doc, lineCounter, file, path, doc.toJS(), '');
    return { ...p, ...(step ? { step } : {}) };
  };
}

function normaliseStep(s: RawStep, report: (message: string, key?: string) => void): StepDefinition {
  if (s.dependencies && s.depends_on)
    report('use either "dependencies" or "depends_on", not both', 'depends_on');
  const [task, version] = s.task.split('@') as [string, string | undefined];
  if (version !== undefined && semver.valid(version) === null)
    report(`task version "${version}" is not semver`, 'task');
  if (s.max_parallel !== undefined && s.for_each === undefined)
    report('max_parallel applies only with for_each', 'max_parallel');
  const retry = {
    ...DEFAULT_RETRY,
    ...(s.retry?.max_attempts === undefined && s.retry ? { max_attempts: 3 } : {}),
    ...s.retry,
  };
  return {
    name: s.name,
    task,
    ...(version !== undefined ? { task_version: version } : {}),
    dependencies: s.dependencies ?? s.depends_on ?? [],
    ...(s.input !== undefined ? { input: s.input } : {}),
    retry,
    ...(s.timeout !== undefined ? { timeout_ms: timeoutMs(s.timeout) } : {}),
    ...(s.when !== undefined ? { when: s.when } : {}),
    on_failure: s.on_failure ?? 'fail',
    ...(s.for_each !== undefined ? { for_each: s.for_each, max_parallel: s.max_parallel ?? 10 } : {}),
  };
}

function timeoutMs(t: number | string): number {
  if (typeof t === 'number') return t;
  const n = Number(t.replace(/\D+$/, ''));
  return t.endsWith('ms') ? n : t.endsWith('s') ? n * 1000 : n * 60_000;
}

function problemAt(
  doc: Document,
  lineCounter: LineCounter,
  file: string,
  path: readonly PropertyKey[],
  raw: unknown,
  message: string,
): WorkflowProblem {
  const keys = path.filter((k): k is string | number => typeof k !== 'symbol');
  const stepIndex = keys[0] === 'steps' && typeof keys[1] === 'number' ? keys[1] : undefined;
  const stepName =
    stepIndex === undefined ? undefined : (raw as { steps?: { name?: unknown }[] }).steps?.[stepIndex]?.name;
  // The nearest node that exists (a missing key points at its parent).
  for (let n = keys.length; n >= 0; n--) {
    const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) {
      const pos = lineCounter.linePos(node.range[0]);
      return {
        file,
        line: pos.line,
        column: pos.col,
        ...(typeof stepName === 'string' ? { step: stepName } : {}),
        message: keys.length > 0 ? `${keys.join('.')}: ${message}` : message,
      };
    }
  }
  return { file, message };
}

function kindOf(file: string): string {
  return file.endsWith('.json') ? 'JSON' : 'YAML';
}

function firstLine(s: string): string {
  return s.split('\n')[0]!;
}
