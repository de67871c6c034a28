// Expressions in definitions (input and output mappings, `when`, `for_each`) are JSONata, a kept
// library with a documented syntax, evaluated over { workflow: <run input>, steps: { name: output },
// item, index }. A mapping is either one expression (a string) or an object/array whose string
// leaves are expressions and whose other leaves are literal JSON. Compiled expressions are cached by
// text: the same definition's expressions are evaluated for every run and every item.
import { createRequire } from 'node:module';
import type jsonataModule from 'jsonata';

type Expression = ReturnType<typeof jsonataModule>;

// Required on the first expression, not at start-up: every command opens the application (which
// knows workflows), few of them evaluate one.
let jsonata: typeof jsonataModule | undefined;

export interface ExpressionContext {
  workflow: unknown;
  steps: Record<string, unknown>;
  item?: unknown;
  index?: number;
}

export class ExpressionError extends Error {
  /** Character offset in the expression, when JSONata gives one. */
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = 'ExpressionError';
    this.position = position;
  }
}

const cache = new Map<string, Expression>();
const CACHE_LIMIT = 5000;

export function compileExpression(text: string): Expression {
  let compiled = cache.get(text);
  if (compiled) return compiled;
  try {
    jsonata ??= createRequire(import.meta.url)('jsonata') as typeof jsonataModule;
    compiled = jsonata(text);
  } catch (err) {
    const e = err as { message?: string; position?: number };
    throw new ExpressionError(`expression "${text}" does not parse: ${e.message ?? String(err)}`, e.position);
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, compiled);
  return compiled;
}

/** Every expression (string leaf) of a mapping, with where it sits (for error messages). */
export function mappingExpressions(mapping: unknown, path = ''): { path: string; text: string }[] {
  if (typeof mapping === 'string') return [{ path, text: mapping }];
  if (Array.isArray(mapping)) return mapping.flatMap((v, i) => mappingExpressions(v, `${path}[${i}]`));
  if (mapping !== null && typeof mapping === 'object') {
    return Object.entries(mapping).flatMap(([k, v]) => mappingExpressions(v, path ? `${path}.${k}` : k));
  }
  return [];
}

/** The step names an expression reads (`steps.name…`, `$$.steps.name…`). */
export function referencedSteps(text: string): Set<string> {
  const found = new Set<string>();
  visit(compileExpression(text).ast(), found);
  return found;
}

interface AstNode {
  type?: string;
  value?: unknown;
  steps?: AstNode[];
}

function visit(node: unknown, found: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) visit(n, found);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const n = node as AstNode;
  if (n.type === 'path' && Array.isArray(n.steps)) {
    const names = n.steps;
    let i = 0;
    if (names[0]?.type === 'variable' && (names[0].value === '' || names[0].value === '$')) i = 1;
    if (names[i]?.type === 'name' && names[i]!.value === 'steps' && names[i + 1]?.type === 'name') {
      found.add(String(names[i + 1]!.value));
    }
  }
  for (const value of Object.values(n)) if (value !== null && typeof value === 'object') visit(value, found);
}

export async function evaluate(text: string, context: ExpressionContext): Promise<unknown> {
  try {
    return (await compileExpression(text).evaluate(context)) as unknown;
  } catch (err) {
    if (err instanceof ExpressionError) throw err;
    const e = err as { message?: string; position?: number };
    throw new ExpressionError(`expression "${text}" failed: ${e.message ?? String(err)}`, e.position);
  }
}

/** A mapping's value: expressions evaluated, literals kept, undefined results left out. */
export async function evaluateMapping(mapping: unknown, context: ExpressionContext): Promise<unknown> {
  if (typeof mapping === 'string') return normalise(await evaluate(mapping, context));
  if (Array.isArray(mapping)) return Promise.all(mapping.map((v) => evaluateMapping(v, context)));
  if (mapping !== null && typeof mapping === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(mapping)) {
      const value = await evaluateMapping(v, context);
      if (value !== undefined) out[k] = value;
    }
    return out;
  }
  return mapping;
}

/** JSONata hands back arrays with extra properties (sequences); JSON is what leaves here. */
function normalise(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** A `when` condition: JSONata's boolean cast (absent values, empty strings and 0 are false). */
export async function condition(text: string, context: ExpressionContext): Promise<boolean> {
  const value = await evaluate(text, context);
  if (value === undefined) return false;
  return (await compileExpression('$boolean($)').evaluate(value)) === true;
}
