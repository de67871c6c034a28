// docs/processes.md is executed: its .runcept.toml and mock-api.js are written to a project folder
// (on a free port), every `sh` command runs in order against the built CLI with its own supervisor
// folder, and every key the parser knows is documented.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import { supervisorPaths } from './paths.ts';
import { freePort, stopSupervisor } from './test-helpers/fixture.ts';
import { parseProject } from './project.ts';
import { parse as parseYaml } from 'yaml';
import { ConfigSchema } from '../config/schema.ts';

const DOC = fileURLToPath(new URL('../../docs/processes.md', import.meta.url));
const blocks = (doc: string, lang: string): string[] =>
  [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

test('docs/processes.md: the example project and every command work', async () => {
  assertBuilt();
  const doc = await readFile(DOC, 'utf8');
  const port = String(await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-proc-doc-'));
  const paths = supervisorPaths({ RATCHET_SUPERVISOR_DIR: join(dir, 'supervisor') });
  try {
    await writeFile(join(dir, '.runcept.toml'), blocks(doc, 'toml')[0]!.replaceAll('48123', port));
    await writeFile(join(dir, 'mock-api.js'), blocks(doc, 'js')[0]!);
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env['PATH'] ?? ''}`, RATCHET_SUPERVISOR_DIR: paths.dir });
    const commands = blocks(doc, 'sh').flatMap((b) => b.split('\n').filter((l) => l.trim() !== ''));
    assert.ok(commands.length >= 10, `found only ${commands.length} commands`);
    const outputs: Record<string, string> = {};
    for (const line of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stdout}${r.stderr}`);
      outputs[line] = r.stdout;
    }
    assert.match(outputs['ratchet env activate']!, /^api\s+HEALTHY\s+\d+/m);
    assert.match(outputs['ratchet proc logs api --lines 5']!, new RegExp(`\\[stdout\\] mock API on ${port}`));
    assert.match(outputs['ratchet ps']!, /^mock-api\s+api\s+HEALTHY/m);
    assert.equal(
      (JSON.parse(outputs['ratchet env list --json']!) as { name: string }[])[0]!.name,
      'mock-api',
    );
    assert.match(outputs['ratchet env deactivate']!, /^api\s+STOPPED/m);
    assert.match(outputs['ratchet supervisor stop']!, /^supervisor \d+ stopped$/m);
  } finally {
    await stopSupervisor(paths);
    await rm(dir, { recursive: true, force: true });
  }
});

test('docs/processes.md documents every key the parser accepts', async () => {
  const doc = await readFile(DOC, 'utf8');
  const source = await readFile(fileURLToPath(new URL('./project.ts', import.meta.url)), 'utf8');
  const keys = [...source.matchAll(/^ {2}'([a-z_]+)',$/gm)].map((m) => m[1]!);
  assert.ok(keys.length >= 17, `found ${keys.length} keys`);
  for (const k of [...keys, 'name', 'description', 'inactivity_timeout', 'working_dir']) {
    assert.ok(doc.includes(`| \`${k}\` |`), `${k} undocumented`);
  }
  // The documented example is valid, and so is the configuration for serve's own workers.
  assert.equal(parseProject(blocks(doc, 'toml')[0]!, '/x/.runcept.toml').name, 'mock-api');
  const workers = ConfigSchema.parse(parseYaml(blocks(doc, 'yaml')[0]!)).server.workers;
  assert.deepEqual([workers.embedded, workers.processes, workers.restart_on_crash], [false, 2, true]);
});
