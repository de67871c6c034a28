// Commands that work on the configured store (task, job, schedule, repo, …) open the application
// through here: configuration errors exit 2, database errors are one line with exit 1.
import type { Command } from 'commander';
import { createRatchet, type RatchetApp } from '../app.ts';
import { CliExit } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { handleServiceError } from './service-errors.ts';

export async function withApp<T>(cmd: Command, fn: (app: RatchetApp) => Promise<T>): Promise<T> {
  const config = await loadCliConfig(cmd);
  let app: RatchetApp;
  try {
    app = await createRatchet(config);
  } catch (err) {
    process.stderr.write(`error: cannot open the database: ${(err as Error).message}\n`);
    throw new CliExit(1);
  }
  try {
    return await handleServiceError(() => fn(app));
  } finally {
    await app.close();
  }
}
