// A console Session over the in-process client, on a temporary SQLite store with a folder source
// holding tasks; stdout and stderr are captured as strings.
import { join } from 'node:path';
import { ConfigSchema } from '../../config/schema.ts';
import { createRatchet } from '../../app.ts';
import { tempDir, writeTask, type TaskSpec } from '../../registry/test-helpers/tasks.ts';
import { LocalClient } from '../local-client.ts';
import { HttpClient } from '../http-client.ts';
import { History } from '../history.ts';
import { Session } from '../session.ts';
import { Variables } from '../variables.ts';
import type { Output } from '../format.ts';

export interface TestSession {
  session: Session;
  dir: string;
  stdout: () => string;
  stderr: () => string;
  /** Runs a script and returns what it printed since the last call. */
  run(script: string): Promise<{ ok: boolean; out: string; err: string }>;
  close(): Promise<void>;
}

export async function tasksDir(tasks: TaskSpec[]): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const t = await tempDir('ratchet-console-');
  for (const spec of tasks) await writeTask(join(t.dir, 'tasks', spec.name), spec);
  return t;
}

export async function localSession(
  tasks: TaskSpec[],
  opts: { history?: History } = {},
): Promise<TestSession> {
  const { dir, cleanup } = await tasksDir(tasks);
  const config = ConfigSchema.parse({
    server: { database: { url: `sqlite://${join(dir, 'r.db')}` } },
    registry: { sources: [{ name: 'local', uri: `file://${join(dir, 'tasks')}` }] },
  });
  const app = await createRatchet(config);
  let stdout = '';
  let stderr = '';
  const out: Output = {
    write: (t) => void (stdout += t),
    warn: (t) => void (stderr += t),
    columns: 200,
    color: false,
  };
  const session = new Session({
    client: new LocalClient(app),
    vars: new Variables({
      caseSensitive: true,
      autoExportEnv: false,
      env: { API_BASE_URL: 'http://api.test' },
    }),
    out,
    history: opts.history ?? new History(undefined, 100),
    connect: (target) => Promise.resolve(new HttpClient(target)),
    searchPaths: [dir],
    continueOnError: false,
  });
  let seenOut = 0;
  let seenErr = 0;
  return {
    session,
    dir,
    stdout: () => stdout,
    stderr: () => stderr,
    async run(script) {
      const ok = await session.runScript(script, 'test.rsh');
      const r = { ok, out: stdout.slice(seenOut), err: stderr.slice(seenErr) };
      seenOut = stdout.length;
      seenErr = stderr.length;
      return r;
    },
    async close() {
      await session.client.close();
      await cleanup();
    },
  };
}
