// docs/workflows.md: every `sh` command runs against the built CLI, in order, in a copy of sample/
// with the page's ratchet.yaml; the outputs the page describes are checked.
import assert from 'node:assert/strict';
import { chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { ROOT } from './helpers/cli.ts';

test('docs/workflows.md: every shell command works against the built CLI', async () => {
  assertBuilt();
  const doc = await readFile(join(ROOT, 'docs', 'workflows.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)![1]!;
  const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
    m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
  );
  assert.ok(commands.length >= 20, `found only ${commands.length} commands`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-workflows-doc-'));
  try {
    await cp(join(ROOT, 'sample'), join(dir, 'sample'), { recursive: true });
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    await writeFile(join(dir, 'ratchet.yaml'), yaml);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    const out: string[] = [];
    for (const line of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      out.push(r.stdout);
    }
    const of = (prefix: string, nth = 0) =>
      out[commands.map((c, i) => [c, i] as const).filter(([c]) => c.startsWith(prefix))[nth]![1]]!;
    assert.match(of('ratchet workflow validate'), /workflow\.yaml: valid/);
    assert.match(of('ratchet workflow graph sample'), /^flowchart LR\n[\s\S]*s_subtotal --> s_total/);
    assert.match(of('ratchet workflow graph sample', 1), /^digraph "order-fulfilment"/);
    assert.deepEqual(JSON.parse(of('ratchet workflow run sample/workflows/order-fulfilment')), {
      lines: 1,
      total: 19,
    });
    const fan = JSON.parse(of('ratchet workflow run sample/workflows/price-fan-out')) as {
      status: string;
      output: unknown;
    };
    assert.equal(fan.status, 'COMPLETED');
    assert.deepEqual(fan.output, { total: { sum: 66, product: 0 } });
    assert.match(of('ratchet workflow status 1'), /COMPLETED/);
    assert.deepEqual(JSON.parse(of('cat data/outputs/order-1.json')), { lines: 1, total: 19 });
    assert.match(of('ratchet workflow status 3'), /^run .*: FAILED\n[\s\S]*subtotal +addition +FAILED/);
    const final = JSON.parse(of('ratchet workflow status 4 --json')) as {
      run: { status: string; output: unknown };
      transitions: { step: string | null; to: string; actor: string }[];
    };
    assert.equal(final.run.status, 'RESOLVED_MANUALLY');
    assert.deepEqual(final.run.output, { lines: 0, total: 4 });
    assert.ok(
      final.transitions.some(
        (t) => t.step === 'subtotal' && t.to === 'RESOLVED_MANUALLY' && t.actor === 'cli',
      ),
    );
    assert.match(
      of('ratchet schedule trigger morning-orders'),
      /^started workflow run \d+ for schedule \d+ "morning-orders"/,
    );
    assert.match(of('ratchet schedule list'), /morning-orders +workflow order-fulfilment +0 6 \* \* \*/);
    const runs = of('ratchet workflow list --runs');
    assert.match(runs, /order-fulfilment +1\.0\.0 +RESOLVED_MANUALLY/);
    assert.match(runs, /CANCELLED/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
