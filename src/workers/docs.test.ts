// docs/queue.md: every `sh` command runs against the built CLI, in order, in a folder holding the
// ratchet.yaml and task the page describes.
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';

const DOC = fileURLToPath(new URL('../../docs/queue.md', import.meta.url));

test('docs/queue.md: every shell command works against the built CLI', async () => {
  assertBuilt();
  const doc = await readFile(DOC, 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
  const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
  );
  assert.ok(commands.length >= 10, `found only ${commands.length} commands`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-queue-doc-'));
  try {
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    await writeFile(join(dir, 'ratchet.yaml'), yaml);
    await mkdir(join(dir, 'tasks', 'adder'), { recursive: true });
    await writeFile(join(dir, 'tasks', 'adder', 'metadata.json'), '{"name": "adder", "version": "1.0.0"}');
    await writeFile(
      join(dir, 'tasks', 'adder', 'main.js'),
      "function main(input) { console.log('adding'); return { sum: input.a + input.b }; }\n",
    );
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    const out: Record<string, string> = {};
    for (const line of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stderr}`);
      out[line] = r.stdout;
    }
    const jobs = JSON.parse(out[commands.find((c) => c.startsWith('ratchet job list --json'))!]!) as {
      id: number;
      status: string;
    }[];
    // The worker ran all three: job 3 was delayed an hour, cancelled, then retried (due at once).
    assert.deepEqual(
      jobs.map((j) => [j.id, j.status]).sort(),
      [
        [1, 'COMPLETED'],
        [2, 'COMPLETED'],
        [3, 'COMPLETED'],
      ].sort(),
    );
    assert.match(out[commands.find((c) => c.startsWith('ratchet execution logs'))!]!, /adding/);
    // A direct run: no job, the output on stdout.
    assert.deepEqual(JSON.parse(out[commands.find((c) => c.startsWith('ratchet task execute'))!]!), {
      sum: 42,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
