// Query limits (graphql.max_depth, graphql.max_cost): depth is checked by a validation rule, so a
// too-deep query is refused before anything runs (and the verdict is cached with the query); cost
// needs the variables (a page size may come from one), so it is checked just before execution.
// Cost: every field costs 1, multiplied by the page size of each list it sits in.
import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from 'graphql';
import { DEFAULT_LIMIT } from '../../store/list-query.ts';
import { gqlError } from './errors.ts';

/** Fields returning a page (`items` inside multiplies by the page size). */
const PAGED = new Set(['tasks', 'jobs', 'executions', 'schedules', 'workers', 'workflows', 'workflowRuns']);
/** Plain lists whose length we cannot know in advance: counted as this many. */
const LIST_GUESS: Record<string, number> = {
  versions: 10,
  logs: 10,
  http: 10,
  syncRepositories: 10,
  workflowVersions: 10,
  steps: 10,
  transitions: 30,
  problems: 10,
};

type Fragments = Record<string, FragmentDefinitionNode>;

function depthOf(set: SelectionSetNode | undefined, fragments: Fragments, seen: Set<string>): number {
  if (!set) return 0;
  let max = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith('__')) continue; // introspection has its own shape
      max = Math.max(max, 1 + depthOf(sel.selectionSet, fragments, seen));
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      max = Math.max(max, depthOf(sel.selectionSet, fragments, seen));
    } else {
      const name = sel.name.value;
      const frag = fragments[name];
      if (!frag || seen.has(name)) continue; // an unknown or cyclic spread is the validator's to report
      max = Math.max(max, depthOf(frag.selectionSet, fragments, new Set([...seen, name])));
    }
  }
  return max;
}

function fragmentsOf(doc: DocumentNode): Fragments {
  const out: Fragments = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** A validation rule refusing operations nested deeper than `max`. */
export function depthRule(max: number) {
  return (context: ValidationContext) => ({
    OperationDefinition(node: { selectionSet: SelectionSetNode; name?: { value: string } }) {
      const depth = depthOf(node.selectionSet, fragmentsOf(context.getDocument()), new Set());
      if (depth > max) {
        context.reportError(
          new GraphQLError(
            `query depth ${depth} exceeds the limit of ${max} (graphql.max_depth)${node.name ? ` in operation ${node.name.value}` : ''}`,
            { extensions: { code: 'QUERY_TOO_DEEP', depth, limit: max } },
          ),
        );
      }
    },
  });
}

function valueOf(node: ValueNode | undefined, variables: Record<string, unknown>): unknown {
  if (!node) return undefined;
  switch (node.kind) {
    case Kind.INT:
      return Number(node.value);
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, valueOf(f.value, variables)]));
    default:
      return undefined;
  }
}

function pageSize(field: FieldNode, variables: Record<string, unknown>): number {
  const arg = field.arguments?.find((a) => a.name.value === 'pagination');
  const p = valueOf(arg?.value, variables) as { limit?: unknown } | undefined;
  return typeof p?.limit === 'number' && p.limit >= 0 ? p.limit : DEFAULT_LIMIT;
}

function costOf(
  set: SelectionSetNode | undefined,
  fragments: Fragments,
  variables: Record<string, unknown>,
  factor: number,
  seen: Set<string>,
): number {
  if (!set) return 0;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      const name = sel.name.value;
      if (name.startsWith('__')) continue;
      const inner = PAGED.has(name) ? pageSize(sel, variables) : (LIST_GUESS[name] ?? 1);
      total += factor + costOf(sel.selectionSet, fragments, variables, factor * Math.max(inner, 1), seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      total += costOf(sel.selectionSet, fragments, variables, factor, seen);
    } else {
      const frag = fragments[sel.name.value];
      if (!frag || seen.has(sel.name.value)) continue;
      total += costOf(frag.selectionSet, fragments, variables, factor, new Set([...seen, sel.name.value]));
    }
  }
  return total;
}

/**
 * The cost of the operation that will run; without its name, that of the costliest operation in
 * the document (the execution hooks are not told which one runs, so a cheap first operation must
 * not let a costly second one through).
 */
export function queryCost(
  doc: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string,
): number {
  const fragments = fragmentsOf(doc);
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const chosen = operationName ? ops.filter((o) => o.name?.value === operationName) : ops;
  return Math.max(0, ...chosen.map((op) => costOf(op.selectionSet, fragments, variables, 1, new Set())));
}

/**
 * Costs of documents sent without variables. Mercurius hands a repeated query the same parsed
 * document (its query cache), so the walk is done once per query text, not once per request.
 */
const costs = new WeakMap<DocumentNode, number>();

/** Throws QUERY_TOO_COSTLY when the operation's cost is above `max`. */
export function assertCost(
  doc: DocumentNode,
  variables: Record<string, unknown> | undefined,
  max: number,
): void {
  const plain = variables === undefined || variables === null || Object.keys(variables).length === 0;
  let cost = plain ? costs.get(doc) : undefined;
  if (cost === undefined) {
    cost = queryCost(doc, variables ?? {});
    if (plain) costs.set(doc, cost);
  }
  if (cost > max) {
    throw gqlError(
      'QUERY_TOO_COSTLY',
      `query cost ${cost} exceeds the limit of ${max} (graphql.max_cost; each field costs 1 times the page size of every list it is in: ask for smaller pages or fewer fields)`,
      { cost, limit: max },
    );
  }
}
