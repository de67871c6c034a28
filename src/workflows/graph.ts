// The DAG of a definition: cycles, ancestors, leaves, topological order, and drawings (Mermaid,
// Graphviz dot) of the definition or of a run with each step's state.
import type { StepDefinition, WorkflowDefinition } from './types.ts';

/** A cycle as the step names along it, first name repeated at the end; undefined when acyclic. */
export function findCycle(steps: readonly StepDefinition[]): string[] | undefined {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const walk = (name: string): string[] | undefined => {
    const seen = state.get(name);
    if (seen === 'done') return undefined;
    if (seen === 'open') return [...path.slice(path.indexOf(name)), name];
    state.set(name, 'open');
    path.push(name);
    for (const dep of byName.get(name)?.dependencies ?? []) {
      if (!byName.has(dep)) continue;
      const cycle = walk(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const s of steps) {
    const cycle = walk(s.name);
    // Walking follows dependencies backwards; say it in the order the steps run.
    if (cycle) return cycle.reverse();
  }
  return undefined;
}

/** Every step's ancestors (dependencies, transitively). Assumes no cycle. */
export function ancestors(steps: readonly StepDefinition[]): Map<string, Set<string>> {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const memo = new Map<string, Set<string>>();
  const of = (name: string): Set<string> => {
    const known = memo.get(name);
    if (known) return known;
    const set = new Set<string>();
    memo.set(name, set);
    for (const dep of byName.get(name)?.dependencies ?? []) {
      if (!byName.has(dep)) continue;
      set.add(dep);
      for (const a of of(dep)) set.add(a);
    }
    return set;
  };
  for (const s of steps) of(s.name);
  return memo;
}

/** Steps no other step depends on: their outputs form the default workflow output. */
export function leaves(steps: readonly StepDefinition[]): string[] {
  const needed = new Set(steps.flatMap((s) => s.dependencies));
  return steps.filter((s) => !needed.has(s.name)).map((s) => s.name);
}

/** Steps that depend on `name` directly. */
export function dependents(steps: readonly StepDefinition[], name: string): StepDefinition[] {
  return steps.filter((s) => s.dependencies.includes(name));
}

export type GraphFormat = 'mermaid' | 'dot';

/** The DAG as Mermaid or dot; `states` (step name → state) labels a run's steps. */
export function drawGraph(
  def: WorkflowDefinition,
  format: GraphFormat,
  states?: Record<string, string>,
): string {
  const id = (name: string) => `s_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`;
  const label = (s: StepDefinition) => {
    const parts = [s.name, `${s.task}${s.task_version ? `@${s.task_version}` : ''}`];
    if (s.for_each) parts.push(`for each (max ${s.max_parallel})`);
    const state = states?.[s.name];
    if (state) parts.push(state);
    return parts;
  };
  if (format === 'dot') {
    const lines = [`digraph "${def.name}" {`, '  rankdir=LR;', '  node [shape=box];'];
    for (const s of def.steps)
      lines.push(`  ${id(s.name)} [label="${label(s).join('\\n').replace(/"/g, '\\"')}"];`);
    for (const s of def.steps) for (const d of s.dependencies) lines.push(`  ${id(d)} -> ${id(s.name)};`);
    lines.push('}');
    return lines.join('\n') + '\n';
  }
  const lines = ['flowchart LR'];
  for (const s of def.steps)
    lines.push(`  ${id(s.name)}["${label(s).join('<br/>').replace(/"/g, '#quot;')}"]`);
  for (const s of def.steps) for (const d of s.dependencies) lines.push(`  ${id(d)} --> ${id(s.name)}`);
  return lines.join('\n') + '\n';
}
