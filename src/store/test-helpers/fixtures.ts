// Small builders shared by the store tests.
import type { Db } from '../codec.ts';
import { createTask, saveTaskVersion } from '../repos/tasks.ts';

/** Creates a task with one enabled version; returns both ids. */
export async function seedTask(
  db: Db,
  name: string,
  version = '1.0.0',
): Promise<{ taskId: number; versionId: number }> {
  const task = await createTask(db, { name });
  const { version: v } = await saveTaskVersion(db, {
    taskId: task.id,
    version,
    code: '(input) => input',
    checksum: `${name}-${version}`,
    changeSource: 'cli',
  });
  return { taskId: task.id, versionId: v.id };
}
