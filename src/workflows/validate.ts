// Validation before anything runs: the graph (unknown or repeated steps, unknown dependencies,
// cycles), the expressions (they parse, they read only ancestors, for_each can give an array) and
// the tasks (exist, in the pinned version). Each problem names the step and, when the file's text
// is given, the line and column.
import { compileExpression, ExpressionError, mappingExpressions, referencedSteps } from './expressions.ts';
import { ancestors, findCycle } from './graph.ts';
import { locator } from './parse.ts';
import type { StepDefinition, WorkflowDefinition, WorkflowProblem } from './types.ts';
import { checkSchemaCompat, type SchemaLookup } from './compat.ts';

/** Says why a step's task cannot run (undefined: it can). */
export type TaskCheck = (name: string, version: string | undefined) => Promise<string | undefined>;

export interface ValidateOptions {
  file?: string;
  /** The file's text, for line and column. */
  text?: string;
  checkTask?: TaskCheck;
  /** The tasks' schemas, for the schema-compatibility check (compat.ts). */
  taskSchemas?: SchemaLookup;
}

export async function validateWorkflow(
  def: WorkflowDefinition,
  opts: ValidateOptions = {},
): Promise<WorkflowProblem[]> {
  const locate = opts.text !== undefined && opts.file ? locator(opts.text, opts.file) : undefined;
  const problems: WorkflowProblem[] = [];
  const at = (
    index: number | undefined,
    key: (string | number)[],
    step: string | undefined,
    message: string,
  ) => {
    const where =
      index === undefined ? (locate?.(key) ?? {}) : (locate?.(['steps', index, ...key], step) ?? {});
    problems.push({
      ...(opts.file ? { file: opts.file } : {}),
      ...where,
      ...(step ? { step } : {}),
      message,
    });
  };

  const names = new Set<string>();
  def.steps.forEach((s, i) => {
    if (names.has(s.name)) at(i, ['name'], s.name, `step name "${s.name}" is used twice`);
    names.add(s.name);
  });
  def.steps.forEach((s, i) => {
    s.dependencies.forEach((d, j) => {
      if (!names.has(d)) at(i, [depsKey(opts.text), j], s.name, `depends on unknown step "${d}"`);
      if (d === s.name) at(i, [depsKey(opts.text), j], s.name, 'depends on itself');
    });
  });
  const cycle = findCycle(def.steps);
  if (cycle) {
    const i = def.steps.findIndex((s) => s.name === cycle[0]);
    at(i, [], cycle[0], `the dependencies form a cycle: ${cycle.join(' → ')}`);
    return problems;
  }
  const before = ancestors(def.steps);
  def.steps.forEach((s, i) => checkExpressions(s, i, before.get(s.name) ?? new Set(), names, at));
  for (const e of mappingExpressions(def.output)) {
    const refs = checkParses(e.text, (m) =>
      at(undefined, ['output'], undefined, `output${e.path ? `.${e.path}` : ''}: ${m}`),
    );
    for (const r of refs ?? [])
      if (!names.has(r)) at(undefined, ['output'], undefined, `output reads unknown step "${r}"`);
  }
  if (opts.checkTask) {
    for (const [i, s] of def.steps.entries()) {
      const why = await opts.checkTask(s.task, s.task_version);
      if (why) at(i, ['task'], s.name, why);
    }
  }
  if (opts.taskSchemas && problems.length === 0) await checkSchemaCompat(def, opts.taskSchemas, at);
  return problems;
}

function depsKey(text: string | undefined): string {
  return text !== undefined && /depends_on/.test(text) && !/dependencies/.test(text)
    ? 'depends_on'
    : 'dependencies';
}

type At = (
  index: number | undefined,
  key: (string | number)[],
  step: string | undefined,
  message: string,
) => void;

function checkExpressions(
  s: StepDefinition,
  i: number,
  before: Set<string>,
  names: Set<string>,
  at: At,
): void {
  const refsOk = (refs: Set<string> | undefined, key: string) => {
    for (const r of refs ?? []) {
      if (!names.has(r)) at(i, [key], s.name, `${key} reads unknown step "${r}"`);
      else if (!before.has(r))
        at(i, [key], s.name, `${key} reads step "${r}", which is not an ancestor (add it to dependencies)`);
    }
  };
  for (const e of mappingExpressions(s.input)) {
    const key = e.path ? `input.${e.path}` : 'input';
    refsOk(
      checkParses(e.text, (m) => at(i, ['input'], s.name, `${key}: ${m}`)),
      'input',
    );
  }
  if (s.when !== undefined)
    refsOk(
      checkParses(s.when, (m) => at(i, ['when'], s.name, `when: ${m}`)),
      'when',
    );
  if (s.for_each !== undefined) {
    const refs = checkParses(s.for_each, (m) => at(i, ['for_each'], s.name, `for_each: ${m}`));
    refsOk(refs, 'for_each');
    if (refs && !canBeArray(s.for_each))
      at(i, ['for_each'], s.name, `for_each "${s.for_each}" is not an array expression`);
  }
}

function checkParses(text: string, report: (message: string) => void): Set<string> | undefined {
  try {
    return referencedSteps(text);
  } catch (err) {
    report(err instanceof ExpressionError ? err.message : (err as Error).message);
    return undefined;
  }
}

/** False for expressions that can only give a scalar or an object (literals, object constructors). */
function canBeArray(text: string): boolean {
  const ast = compileExpression(text).ast() as { type?: string; value?: unknown };
  if (ast.type === 'string' || ast.type === 'number' || ast.type === 'value' || ast.type === 'regex')
    return false;
  if (ast.type === 'unary' && ast.value === '{') return false;
  if (
    ast.type === 'binary' &&
    ['+', '-', '*', '/', '%', '=', '!=', '<', '>', '<=', '>=', 'and', 'or', '&'].includes(String(ast.value))
  )
    return false;
  return true;
}
