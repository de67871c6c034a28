// Reading PostgreSQL plans in tests: EXPLAIN (FORMAT JSON) of a prepared statement, flattened, and
// the shapes the queue's statements must never take.
import type pg from 'pg';

export interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  /** Outer, Inner, or how a CTE or subplan hangs off its parent. */
  'Parent Relationship'?: string;
  Plans?: PlanNode[];
}

/** Every node of the plan, the root first. */
export function planNodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(planNodes)];
}

/** The statement's parameters as SQL literals for `EXECUTE name(…)`: arrays as '{…}' text. */
export function executeArgs(client: pg.PoolClient, parameters: readonly unknown[]): string {
  return parameters
    .map((p) => {
      if (p === null || p === undefined) return 'null';
      if (typeof p === 'number' || typeof p === 'bigint') return String(p);
      if (Array.isArray(p))
        return client.escapeLiteral(`{${p.map((v) => JSON.stringify(v ?? null)).join(',')}}`);
      return client.escapeLiteral(String(p));
    })
    .join(', ');
}

/** The plan EXECUTE would use now for a statement prepared on `client` (its cached plan, if any). */
export async function explainExecute(client: pg.PoolClient, name: string, parameters: readonly unknown[]) {
  const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (format json) execute ${name}(${executeArgs(client, parameters)})`,
  );
  return planNodes(rows[0]!['QUERY PLAN'][0].Plan);
}

/** Nested loops whose two sides are both CTE scans: quadratic in the rows of a batch. */
export function cteNestedLoops(nodes: readonly PlanNode[]): PlanNode[] {
  return nodes.filter(
    (n) =>
      n['Node Type'] === 'Nested Loop' &&
      (n.Plans ?? [])
        .filter((c) => c['Parent Relationship'] === 'Outer' || c['Parent Relationship'] === 'Inner')
        .every((c) => c['Node Type'] === 'CTE Scan'),
  );
}

/**
 * How each scan of `table` in the plan reads it: the index it uses (a bitmap scan's indexes, joined
 * by +), else the node type ('Seq Scan').
 */
export function howRead(nodes: readonly PlanNode[], table: string): string[] {
  return nodes
    .filter((n) => n['Relation Name'] === table && n['Node Type'] !== 'ModifyTable')
    .map((n) =>
      n['Node Type'] === 'Bitmap Heap Scan'
        ? planNodes(n)
            .flatMap((c) => (c['Index Name'] ? [c['Index Name']] : []))
            .join('+')
        : (n['Index Name'] ?? n['Node Type']),
    );
}

/**
 * Prepares `statement` as `name` on a connection of its own, with generic plans forced (the plan a
 * connection keeps after five runs), and hands `fn` a reader of the plan EXECUTE would use now;
 * afterwards the statement is deallocated and the connection released.
 */
export async function withGenericPlan<T>(
  pool: pg.Pool,
  name: string,
  statement: { sql: string; parameters: readonly unknown[] },
  fn: (plan: () => Promise<PlanNode[]>) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    await client.query(`prepare ${name} as ${statement.sql}`);
    return await fn(() => explainExecute(client, name, statement.parameters));
  } finally {
    await client.query('deallocate all').catch(() => {});
    client.release();
  }
}
