// docs/schedules.md is executed: every `sh` command runs against the built CLI, the Node signature
// verifier runs as written and checks a real signed delivery, and every destination field and path
// variable is documented.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import {
  FilesystemDestinationSchema,
  StdioDestinationSchema,
  WebhookDestinationSchema,
  parseDestination,
} from '../delivery/destinations.ts';
import type { WebhookDestination } from '../delivery/destinations.ts';
import { PATH_VARIABLES } from '../delivery/filesystem.ts';
import type { DeliveryContext } from '../delivery/payload.ts';
import { deliverWebhook } from '../delivery/webhook.ts';
import type { ExecutionRecord } from '../store/repos/executions.ts';
import type { JobRecord } from '../store/repos/jobs.ts';
import { seedAddition } from '../services/scheduling/test-app.ts';

const DOC = fileURLToPath(new URL('../../docs/schedules.md', import.meta.url));

function blocks(doc: string, lang: string): string[] {
  return [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

void describe('docs/schedules.md', () => {
  void it('every shell command it shows works against the built CLI', async () => {
    assertBuilt();
    const doc = await readFile(DOC, 'utf8');
    const commands = blocks(doc, 'sh').flatMap((b) =>
      b.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
    );
    assert.ok(commands.length >= 9, `found only ${commands.length} commands`);
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-sched-doc-'));
    try {
      // The default database (sqlite://./data/ratchet.db) with the sample task in it.
      await seedAddition(`sqlite://${join(dir, 'data/ratchet.db')}`);
      await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
      await chmod(join(dir, 'ratchet'), 0o755);
      const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
      for (const line of commands) {
        const r = await runShell(line, { cwd: dir, env });
        assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stderr}`);
        assert.notEqual(r.stdout, '', `\`${line}\` printed nothing`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  void it('documents every destination field and path variable', async () => {
    const doc = await readFile(DOC, 'utf8');
    const fields = (schema: z.ZodObject, prefix = ''): string[] =>
      Object.entries(schema.shape).flatMap(([key, child]) => {
        const inner = (child as { _zod: { def: { innerType?: unknown; type: string } } })._zod.def;
        const obj = inner.type === 'prefault' ? (inner.innerType as z.ZodObject) : undefined;
        return obj?.shape ? fields(obj, `${prefix}${key}.`) : [`${prefix}${key}`];
      });
    for (const schema of [WebhookDestinationSchema, FilesystemDestinationSchema, StdioDestinationSchema]) {
      for (const f of fields(schema)) assert.ok(doc.includes(`| \`${f}\` |`), `${f} undocumented`);
    }
    assert.ok(doc.includes('| `retryPolicy.maxAttempts` |'));
    for (const v of PATH_VARIABLES) assert.ok(doc.includes(`\`{{${v}}}\``), `{{${v}}} undocumented`);
  });

  void it('the Node signature verifier accepts a signed delivery and rejects a wrong secret', async () => {
    const [code] = blocks(await readFile(DOC, 'utf8'), 'js');
    assert.ok(code, 'no js block');
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-sig-doc-'));
    const file = join(dir, 'receiver.mjs');
    await writeFile(file, code);
    const child = spawn(process.execPath, [file], {
      env: { ...cleanEnv(), PORT: '0', RATCHET_WEBHOOK_SECRET: 's3cret' },
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`receiver did not start: ${stdout}`)), 10_000);
        child.stdout.on('data', () => {
          const m = /listening on (\d+)/.exec(stdout);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const ctx: DeliveryContext = {
        job: { id: 42, uuid: 'u', taskId: 1, scheduleId: null, attempts: 1, lastError: null } as JobRecord,
        execution: { id: 7, uuid: 'e', attempt: 1, output: { sum: 5 } } as unknown as ExecutionRecord,
        status: 'COMPLETED',
        taskName: 'addition',
      };
      const send = (secret: string) =>
        deliverWebhook(
          parseDestination({
            type: 'webhook',
            url: `http://127.0.0.1:${port}/`,
            secret,
          }) as WebhookDestination,
          ctx,
          {
            // The receiver is on loopback, which webhooks may not reach unless its port is allowed.
            http: {
              userAgent: 'test',
              verifySsl: true,
              allowedHosts: [`127.0.0.1:${port}`],
              deniedHosts: [],
            },
            sleep: () => Promise.resolve(),
          },
        );
      assert.deepEqual(
        (await send('s3cret')).map((a) => [a.success, a.statusCode]),
        [[true, 204]],
      );
      assert.deepEqual(
        (await send('wrong')).map((a) => [a.success, a.statusCode]),
        [[false, 401]],
      );
      assert.match(stdout, /verified job\.completed for job 42: \{"sum":5\}/);
    } finally {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
