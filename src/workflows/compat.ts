// Schema compatibility (tasker-mcp's word): where a step's input mapping passes a value straight
// from an ancestor's output (`steps.x.a.b`) or the workflow's input (`workflow.a`), and both
// schemas say what the value is, the producer must be able to give what the consumer takes. Also:
// every field the consumer's input schema requires must be mapped, and a mapped field must exist
// when the consumer allows no others. Only what the schemas state is judged: an expression that
// computes a value, a schema that says nothing, or a producer that may give null (a `when`, an
// `on_failure: continue`) is never reported.
import type { StepDefinition, WorkflowDefinition } from './types.ts';

type Schema = Record<string, unknown>;

export interface TaskSchemas {
  input?: unknown;
  output?: unknown;
}

/** A task's schemas (the pinned version, else the latest), or undefined when unknown. */
export type SchemaLookup = (task: string, version: string | undefined) => Promise<TaskSchemas | undefined>;

export type Report = (index: number, key: (string | number)[], step: string, message: string) => void;

const PATH = /^\s*(?:\$\$\.)?(steps\.[A-Za-z_][\w-]*|workflow)((?:\.[A-Za-z_$][\w$]*)*)\s*$/;

export async function checkSchemaCompat(
  def: WorkflowDefinition,
  lookup: SchemaLookup,
  report: Report,
): Promise<void> {
  const schemas = new Map<string, TaskSchemas | undefined>();
  for (const s of def.steps) schemas.set(s.name, await lookup(s.task, s.task_version));
  for (const [i, s] of def.steps.entries()) {
    const consumer = asSchema(schemas.get(s.name)?.input);
    if (!consumer || !isPlainMapping(s) || s.for_each !== undefined) continue;
    const mapping = s.input as Record<string, unknown>;
    const fields = asSchema(consumer.properties) ?? {};
    for (const field of (consumer.required as string[] | undefined) ?? []) {
      if (!(field in mapping))
        report(i, ['input'], s.name, `input has no "${field}", which task ${s.task} requires`);
    }
    for (const [field, value] of Object.entries(mapping)) {
      const target = asSchema(fields[field]);
      if (!target) {
        if (consumer.additionalProperties === false)
          report(i, ['input', field], s.name, `input.${field} is not a field of task ${s.task}'s input`);
        continue;
      }
      if (typeof value !== 'string') continue;
      const source = producerSchema(value, def, schemas);
      if (!source) continue;
      if ('missing' in source) {
        report(i, ['input', field], s.name, `input.${field}: ${source.missing}`);
        continue;
      }
      const gives = types(source.schema);
      const takes = types(target);
      if (gives && takes && ![...gives].some((t) => takes.has(t)))
        report(
          i,
          ['input', field],
          s.name,
          `input.${field}: ${value.trim()} is ${[...gives].join(' or ')}, but task ${s.task} takes ${[...takes].join(' or ')}`,
        );
    }
  }
}

/** The schema of the value a plain path reads, or why the path cannot exist. */
function producerSchema(
  text: string,
  def: WorkflowDefinition,
  schemas: Map<string, TaskSchemas | undefined>,
): { schema: Schema } | { missing: string } | undefined {
  const m = PATH.exec(text);
  if (!m) return undefined;
  const root = m[1]!;
  const path = m[2]!.split('.').filter(Boolean);
  const step = root.startsWith('steps.') ? def.steps.find((s) => s.name === root.slice(6)) : undefined;
  if (
    root.startsWith('steps.') &&
    (!step || step.for_each !== undefined || step.when !== undefined || step.on_failure === 'continue')
  )
    return undefined;
  let schema = asSchema(step ? schemas.get(step.name)?.output : def.input_schema);
  const owner = step ? `task ${step.task}'s output` : "the workflow's input_schema";
  for (const [n, key] of path.entries()) {
    if (!schema) return undefined;
    const props = asSchema(schema.properties);
    const next = asSchema(props?.[key]);
    if (!next) {
      if (props && schema.additionalProperties === false)
        return {
          missing: `${root}${path
            .slice(0, n + 1)
            .map((k) => `.${k}`)
            .join('')} is not in ${owner}`,
        };
      return undefined;
    }
    schema = next;
  }
  return schema ? { schema } : undefined;
}

function isPlainMapping(s: StepDefinition): boolean {
  return s.input !== null && typeof s.input === 'object' && !Array.isArray(s.input);
}

function asSchema(v: unknown): Schema | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;
}

/** The JSON types a schema allows (integer counted as number), or undefined when it does not say. */
function types(schema: Schema): Set<string> | undefined {
  const t = schema.type;
  const list = typeof t === 'string' ? [t] : Array.isArray(t) ? (t as string[]) : undefined;
  if (!list) return undefined;
  return new Set(list.map((x) => (x === 'integer' ? 'number' : x)));
}
