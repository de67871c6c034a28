// A workflow's steps laid out as a left-to-right DAG for an SVG drawing: each step's column is the
// length of the longest dependency chain before it, rows keep the definition's order within a
// column, and each dependency is an edge from its step's right side to the dependent's left side.
// No DOM here, so node:test covers it (test/dashboard-logic.test.ts).
export interface DagStep {
  name: string;
  dependencies: string[];
}

export interface DagNode {
  name: string;
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface DagEdge {
  from: string;
  to: string;
  /** SVG path data: a cubic curve between the two boxes. */
  d: string;
}

export interface DagLayout {
  nodes: DagNode[];
  edges: DagEdge[];
  width: number;
  height: number;
}

export const BOX = { width: 168, height: 52, gapX: 56, gapY: 20, pad: 8 };

export function layoutDag(steps: readonly DagStep[]): DagLayout {
  const byName = new Map(steps.map((s) => [s.name, s]));
  const column = new Map<string, number>();
  const visiting = new Set<string>();
  const depth = (name: string): number => {
    const known = column.get(name);
    if (known !== undefined) return known;
    // A cycle or an unknown dependency cannot come from the server (it validates definitions);
    // treat either as a root rather than loop.
    if (visiting.has(name)) return 0;
    visiting.add(name);
    const deps = (byName.get(name)?.dependencies ?? []).filter((d) => byName.has(d));
    const c = deps.length === 0 ? 0 : 1 + Math.max(...deps.map(depth));
    visiting.delete(name);
    column.set(name, c);
    return c;
  };
  const rows = new Map<number, number>();
  const nodes: DagNode[] = steps.map((s) => {
    const c = depth(s.name);
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    return {
      name: s.name,
      column: c,
      row: r,
      x: BOX.pad + c * (BOX.width + BOX.gapX),
      y: BOX.pad + r * (BOX.height + BOX.gapY),
    };
  });
  const at = new Map(nodes.map((n) => [n.name, n]));
  const edges: DagEdge[] = [];
  for (const s of steps) {
    for (const dep of s.dependencies) {
      const a = at.get(dep);
      const b = at.get(s.name);
      if (!a || !b) continue;
      const x1 = a.x + BOX.width;
      const y1 = a.y + BOX.height / 2;
      const x2 = b.x;
      const y2 = b.y + BOX.height / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: dep, to: s.name, d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}` });
    }
  }
  const columns = Math.max(0, ...nodes.map((n) => n.column + 1));
  const maxRows = Math.max(0, ...rows.values());
  return {
    nodes,
    edges,
    width: BOX.pad * 2 + columns * BOX.width + Math.max(0, columns - 1) * BOX.gapX,
    height: BOX.pad * 2 + maxRows * BOX.height + Math.max(0, maxRows - 1) * BOX.gapY,
  };
}
