// The audit log: append-only record of who did what to which resource, from where.
import type { Selectable } from 'kysely';
import type { AuditLogTable } from '../schema.ts';
import { fromJson, iso, toJsonOrNull, toMs } from '../codec.ts';
import type { Db, TimeInput } from '../codec.ts';
import { runListQuery } from '../list-query.ts';
import type { ListQuery, ListResult, ListSpec } from '../list-query.ts';

export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  sourceIp: string | null;
  outcome: string;
  details: unknown;
}

export interface AppendAuditInput {
  action: string;
  outcome: string;
  at?: TimeInput;
  actor?: string | null;
  targetType?: string | null;
  targetId?: string | number | null;
  sourceIp?: string | null;
  details?: unknown;
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: iso(row.at),
    actor: row.actor,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    sourceIp: row.source_ip,
    outcome: row.outcome,
    details: fromJson(row.details),
  };
}

function toRow(input: AppendAuditInput) {
  return {
    at: input.at === undefined ? Date.now() : toMs(input.at, 'audit time'),
    actor: input.actor ?? null,
    action: input.action,
    target_type: input.targetType ?? null,
    target_id: input.targetId == null ? null : String(input.targetId),
    source_ip: input.sourceIp ?? null,
    outcome: input.outcome,
    details: toJsonOrNull(input.details),
  };
}

export async function appendAudit(db: Db, input: AppendAuditInput): Promise<AuditEntry> {
  const row = await db.insertInto('audit_log').values(toRow(input)).returningAll().executeTakeFirstOrThrow();
  return toEntry(row);
}

/** Appends many entries in one multi-row INSERT (the server's write-behind batches); returns how many. */
export async function appendAuditBatch(db: Db, inputs: readonly AppendAuditInput[]): Promise<number> {
  if (inputs.length === 0) return 0;
  await db.insertInto('audit_log').values(inputs.map(toRow)).execute();
  return inputs.length;
}

const AUDIT_LIST: ListSpec = {
  fields: {
    id: { column: 'id', kind: 'number' },
    at: { column: 'at', kind: 'time' },
    actor: { column: 'actor', kind: 'string' },
    action: { column: 'action', kind: 'string' },
    targetType: { column: 'target_type', kind: 'string' },
    targetId: { column: 'target_id', kind: 'string' },
    sourceIp: { column: 'source_ip', kind: 'string' },
    outcome: { column: 'outcome', kind: 'string' },
  },
  defaultSort: { field: 'at', order: 'desc' },
  idColumn: 'id',
};

export async function listAudit(db: Db, q: ListQuery = {}): Promise<ListResult<AuditEntry>> {
  const res = await runListQuery<Selectable<AuditLogTable>>(db.selectFrom('audit_log'), AUDIT_LIST, q, (qb) =>
    qb.selectAll(),
  );
  return { rows: res.rows.map(toEntry), total: res.total };
}
