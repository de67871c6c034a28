// A status test for statements that find their rows by id (completing, failing, renewing the
// leases of jobs a worker holds). Written so that no index on `status` can answer it: the planner
// must look the rows up by id and check the status on each.
//
// Why: statistics gathered while the queue was idle say almost no job is PROCESSING and almost no
// execution RUNNING. PostgreSQL then planned the prepared completion statement (a generic plan,
// reused for every batch) as "every PROCESSING job through the status index, for each row of the
// batch": quadratic once thousands of jobs run. Measured with auto_explain from a 10,000-job
// backlog: completion batches took 0.7, 4 and 10 s, each stall making the next batch bigger, and
// the run fell from about 2,700 to 600-800 jobs/s. SQLite's planner made the same choice for lack
// of row counts. `status || ''` is the same value (status is NOT NULL text) in both engines.
import { sql, type RawBuilder } from 'kysely';
import type { ExecutionStatus, JobStatus } from '../store/schema.ts';

/** SQL text: `column || '' = 'STATUS'` (column as written, e.g. `jobs.status`). */
export function statusIsSql(column: string, status: JobStatus | ExecutionStatus): string {
  return `${column} || '' = '${status}'`;
}

/** The same test for Kysely's builders: `.where(statusIs('status', 'PROCESSING'))`. */
export function statusIs(column: string, status: JobStatus | ExecutionStatus): RawBuilder<boolean> {
  return sql.raw<boolean>(statusIsSql(column, status));
}
