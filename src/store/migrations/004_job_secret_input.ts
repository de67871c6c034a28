// 004: the real input of a job whose task marks input fields writeOnly (or format password).
// `jobs.input` holds the masked input that every API answer and execution row shows; the worker
// runs `secret_input` when it is set. It is cleared when the job completes; FAILED and CANCELLED
// jobs keep it because they can be retried (and lose it when they are pruned). Never selected by
// anything that answers a user: see src/redaction/ and docs/server.md "Secrets".
import type { Kysely, Migration } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('secret_input', 'text').execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('jobs').dropColumn('secret_input').execute();
}

export const jobSecretInput: Migration = { up, down };
