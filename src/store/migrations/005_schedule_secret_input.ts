// 005: a schedule's real input when its task marks input fields writeOnly (or format password),
// the counterpart of jobs.secret_input (004). `schedules.input` holds the masked input every answer
// shows; each tick queues its job with `secret_input` when it is set. Kept for the schedule's
// life (it fires again), replaced when the input is changed, gone when the schedule is deleted.
import type { Kysely, Migration } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('schedules').addColumn('secret_input', 'text').execute();
}

async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('schedules').dropColumn('secret_input').execute();
}

export const scheduleSecretInput: Migration = { up, down };
