// The audit log as adapters see it (admin only): every mutation the server accepted or refused.
import type { Ratchet } from './context.ts';
import type { ListQuery, ListResult } from '../store/list-query.ts';
import { listAudit, type AuditEntry } from '../store/repos/audit.ts';

export type { AuditEntry } from '../store/repos/audit.ts';

export function listAuditPage(app: Ratchet, q: ListQuery): Promise<ListResult<AuditEntry>> {
  return listAudit(app.store.db, q);
}
