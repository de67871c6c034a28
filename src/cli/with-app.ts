// Commands that work on the configured store (task, job, schedule, repo, …) open the application
// through here: configuration errors exit 2, database errors are one line with exit 1.
import type { Command } from 'commander';
import { createRatchet, type RatchetApp } from '../app.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { exitOnServiceError } from './service-errors.ts';

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
    return await fn(app);
  } catch (err) {
    if (err instanceof CliExit || err instanceof UsageError) throw err;
    exitOnServiceError(err);
    throw err;
  } finally {
    await app.close();
  }
}
