// docs/server.md: every shell command it shows runs, in order, against the built CLI in an empty
// folder. `ratchet serve` lines start a server on a free port, which must become ready and answer
// /health, then stop with exit 0 on SIGTERM. Every JSON block parses; every metric named exists.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { assertBuilt, cleanEnv, runCli } from '../cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../cli/test-helpers/serve-process.ts';

const DOC = fileURLToPath(new URL('../../docs/server.md', import.meta.url));

function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

/** `npx ratchet a b 'c d'` → ['a', 'b', 'c d'] (the doc's commands use no other shell syntax). */
function argv(line: string): string[] {
  const rest = line.replace(/^npx ratchet\s+/, '');
  assert.notEqual(rest, line, `docs/server.md command does not start with npx ratchet: ${line}`);
  return [...rest.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

test('docs/server.md: every shell command works as written', async () => {
  assertBuilt();
  const text = await readFile(DOC, 'utf8');
  const lines = blocks(text, 'sh').flatMap((b) => b.split('\n').filter((l) => l.trim() !== ''));
  assert.ok(lines.length >= 6, `only ${lines.length} commands`);
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-server-doc-'));
  try {
    for (const line of lines) {
      const args = argv(line);
      if (args[0] === 'serve') {
        const s = await startServe(args.slice(1), dir);
        try {
          await waitReady(s.url);
          const health = (await (await fetch(`${s.url}/health`)).json()) as { status: string };
          assert.equal(health.status, 'ok');
        } finally {
          s.child.kill('SIGTERM');
        }
        assert.equal(await s.exit, 0, `${line}\n${s.output()}`);
        continue;
      }
      const r = await runCli(args, { cwd: dir, env: cleanEnv() });
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', `${line} printed nothing`);
      if (args.includes('--json')) JSON.parse(r.stdout);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('docs/server.md: JSON examples parse and every documented metric is exported', async () => {
  const text = await readFile(DOC, 'utf8');
  for (const b of blocks(text, 'json')) JSON.parse(b);
  const metrics = [...text.matchAll(/`(ratchet_[a-z_]+)`/g)].map((m) => m[1]!);
  assert.ok(metrics.length >= 10);
  const source = await readFile(fileURLToPath(new URL('./metrics.ts', import.meta.url)), 'utf8');
  for (const m of metrics) assert.ok(source.includes(`'${m}'`), `${m} is defined in metrics.ts`);
});
