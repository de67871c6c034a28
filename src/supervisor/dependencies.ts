// depends_on as a graph: a start order (dependencies first, otherwise file order) or the first
// problem found, an unknown name or a cycle spelt out (`a → b → a`).

export interface Dependent {
  name: string;
  dependsOn: readonly string[];
}

export type OrderResult<T> = { order: T[] } | { error: string; process: string };

export function dependencyOrder<T extends Dependent>(items: readonly T[]): OrderResult<T> {
  const byName = new Map(items.map((i) => [i.name, i]));
  for (const item of items) {
    for (const dep of item.dependsOn) {
      if (dep === item.name) return { error: `"${item.name}" depends on itself`, process: item.name };
      if (!byName.has(dep)) {
        const known = items.map((i) => i.name).join(', ');
        return {
          error: `"${item.name}" depends on "${dep}", which is not a process here (processes: ${known})`,
          process: item.name,
        };
      }
    }
  }
  const order: T[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (item: T, path: string[]): string[] | undefined => {
    const s = state.get(item.name);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...path.slice(path.indexOf(item.name)), item.name];
    state.set(item.name, 'visiting');
    for (const dep of item.dependsOn) {
      const cycle = visit(byName.get(dep)!, [...path, item.name]);
      if (cycle) return cycle;
    }
    state.set(item.name, 'done');
    order.push(item);
    return undefined;
  };
  for (const item of items) {
    const cycle = visit(item, []);
    if (cycle) return { error: `depends_on forms a cycle: ${cycle.join(' → ')}`, process: cycle[0]! };
  }
  return { order };
}

/** Every process that (transitively) depends on `name`, nearest last: the ones to stop first. */
export function dependentsOf<T extends Dependent>(items: readonly T[], name: string): T[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const i of items) {
      if (out.has(i.name)) continue;
      if (i.dependsOn.some((d) => d === name || out.has(d))) {
        out.add(i.name);
        grew = true;
      }
    }
  }
  return items.filter((i) => out.has(i.name));
}
