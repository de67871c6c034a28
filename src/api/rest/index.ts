// The REST API under /api/v1 (mounted by src/server/build.ts): one plugin per resource. Every route
// declares its access level and zod-derived schemas; all behaviour is in src/services.
import type { FastifyPluginAsync } from 'fastify';
import type { Ratchet } from '../../app.ts';
import { closeDirectExecution } from '../../services/direct-execution.ts';
import { endAppThreads } from '../../services/app-threads.ts';
import tasks from './tasks.ts';
import taskActions from './task-actions.ts';
import executions from './executions.ts';
import executionEvents from './execution-events.ts';
import jobs from './jobs.ts';
import jobsBatch from './jobs-batch.ts';
import queue from './queue.ts';
import database from './database.ts';
import monitor from './monitor.ts';
import schedules from './schedules.ts';
import workers from './workers.ts';
import repositories from './repositories.ts';
import repositoryAdmin from './repository-admin.ts';
import admin from './admin.ts';
import workflows from './workflows.ts';
import workflowRuns from './workflow-runs.ts';
import workflowRunEvents from './workflow-run-events.ts';
import whoami from './whoami.ts';

const rest: FastifyPluginAsync<{ app: Ratchet }> = async (server, opts) => {
  const { app } = opts;
  // Synchronous executions and test runs run on threads this API owns. On shutdown the server waits
  // for their requests at most server.workers.shutdown_grace_seconds (as for running jobs); then
  // their threads are ended and the requests answer, so no spinning thread holds the process up.
  const graceMs = app.config.server.workers.shutdown_grace_seconds * 1000;
  let grace: NodeJS.Timeout | undefined;
  const stopThreads = async (): Promise<void> => {
    clearTimeout(grace);
    endAppThreads(app);
    await closeDirectExecution(app);
  };
  server.addHook('preClose', async () => {
    grace = setTimeout(() => void stopThreads(), graceMs);
    grace.unref();
  });
  server.addHook('onClose', stopThreads);
  for (const plugin of [
    tasks,
    taskActions,
    executions,
    jobs,
    jobsBatch,
    queue,
    schedules,
    workers,
    repositories,
    repositoryAdmin,
    workflows,
    workflowRuns,
    admin,
    database,
    monitor,
    whoami,
  ]) {
    await server.register(plugin, { app });
  }
  await server.register(executionEvents, { app });
  await server.register(workflowRunEvents, { app });
};

export default rest;
