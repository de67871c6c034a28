// Every CLI command module registers itself here, one line each.
import type { Command } from 'commander';
import { registerConfigCommands } from './config.ts';
import { registerDb } from './db.ts';
import { registerServe } from './serve.ts';
import { registerApiKey } from './apikey.ts';
import { registerGenerate } from './generate.ts';
import { registerJob } from './job.ts';
import { registerExecution } from './execution.ts';
import { registerWorker } from './worker.ts';
import { registerReplay } from './replay.ts';
import { registerRepo } from './repo.ts';
import { registerRunOnce } from './run-once.ts';
import { registerSchedule } from './schedule.ts';
import { registerTask } from './task.ts';
import { registerTest } from './test.ts';
import { registerValidate } from './validate.ts';

export function registerCommands(program: Command): void {
  registerRunOnce(program);
  registerValidate(program);
  registerTest(program);
  registerConfigCommands(program);
  registerDb(program);
  registerServe(program);
  registerApiKey(program);
  registerReplay(program);
  registerGenerate(program);
  registerJob(program);
  registerExecution(program);
  registerWorker(program);
  registerSchedule(program);
  registerRepo(program);
  registerTask(program);
}
