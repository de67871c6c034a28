// A counter of task and task-version writes made by this process. Caches of task lookups (the
// synchronous-execution path resolves the same task name on every request) keep the generation
// they were filled at and are void once it moves. Writes by other processes are not seen here, so
// such caches also bound their entries' age.
let generation = 0;

export function taskGeneration(): number {
  return generation;
}

/** Call after a write to tasks or task_versions (after its transaction, when there is one). */
export function bumpTaskGeneration(): void {
  generation++;
}

/** Runs a write and bumps the generation once it settled, whether it succeeded or not. */
export async function bumpingTaskGeneration<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    generation++;
  }
}
