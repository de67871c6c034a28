// The product brief's README console parts (test/fixtures/brief-readme-console.md, a verbatim copy)
// run as written through the built CLI: every console line of its ```bash blocks (the `ratchet>`
// prompt lines, the command categories, the variable examples, the development, operations and
// automation patterns) as one session, with its variables, against a live `ratchet serve` (plain
// `ratchet console` finds it through the configuration) and again in local mode (nothing
// answering); each `ratchet console …` line with its flags; the automation example's `echo` lines
// make the script that `source` then runs. The one placeholder that cannot be a name, `exec-id`,
// becomes the first execution's id; the README's remote hosts are unreachable here, so those lines
// must fail saying so, and work with the live server's address in their place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN, assertBuilt, cleanEnv, runCli, runShell } from '../src/cli/test-helpers/cli-process.ts';
import { startServe, waitReady } from '../src/cli/test-helpers/serve-process.ts';
import { writeTask } from '../src/registry/test-helpers/tasks.ts';
import { ROOT } from './helpers/cli.ts';

const README = join(ROOT, 'test', 'fixtures', 'brief-readme-console.md');
const PLACEHOLDERS: Record<string, string> = { 'exec-id': '1' };

function blocks(doc: string, lang: string): string[] {
  return [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

/** The command of a README line: no `ratchet> ` prompt, no trailing `# comment`; none for comments. */
function commandOf(line: string): string | undefined {
  const text = line
    .replace(/^ratchet> /, '')
    .replace(/(^|\s{2,})#.*$/, '')
    .trim();
  return text === '' ? undefined : text.replace(/\S+/g, (w) => PLACEHOLDERS[w] ?? w);
}

void test("the brief's README console section, as written, connected and local", async () => {
  assertBuilt();
  const doc = await readFile(README, 'utf8');
  const lines = blocks(doc, 'bash').flatMap((b) => b.split('\n').flatMap((l) => commandOf(l) ?? []));
  const shellLines = lines.filter((l) => l.startsWith('ratchet console'));
  const echoLines = lines.filter((l) => l.startsWith('echo '));
  const consoleLines = lines.filter((l) => !l.startsWith('ratchet console') && !l.startsWith('echo '));
  assert.ok(consoleLines.length > 50, `${consoleLines.length} console lines`);
  assert.equal(shellLines.length, 7);

  const dir = await mkdtemp(join(tmpdir(), 'ratchet-readme-console-'));
  // The tasks the README names: the configured source holds those of the quick workflow; ./tasks
  // holds the rest, added by the README's own `repo add my-repo file://./tasks`.
  for (const name of ['task-uuid', 'weather']) await writeTask(join(dir, 'catalog', name), { name });
  for (const name of ['weather-forecast', 'default-task', 'my-task'])
    await writeTask(join(dir, 'tasks', name), { name });
  const [configYaml, devYaml] = blocks(doc, 'yaml');
  await writeFile(join(dir, 'config.yaml'), configYaml!);
  await writeFile(join(dir, 'dev-config.yaml'), devYaml!);
  await writeFile(join(dir, 'startup.rsh'), 'server status\ntask list\n');
  // Plain `ratchet console` takes its settings from the environment (no --config in the README).
  const env = cleanEnv({
    HOME: dir,
    NO_COLOR: '1',
    RATCHET_DATABASE_URL: `sqlite://${join(dir, 'r.db')}`,
    RATCHET_REGISTRY__SOURCES: JSON.stringify([{ name: 'catalog', uri: `file://${join(dir, 'catalog')}` }]),
  });
  delete env.DEBUG;
  const sh = `ratchet() { ${process.execPath} ${CLI_MAIN} "$@"; }; `;
  const made = await runCli(['apikey', 'create', '--name', 'prod', '--role', 'admin'], { cwd: dir, env });
  assert.equal(made.code, 0, made.stderr);
  const key = /(rk_\S+)/.exec(made.stdout)![1]!;
  env.PROD_TOKEN = key;

  // The automation example: its echo lines write the script (HOME is the scratch folder). In a
  // shell, the `$DATE` of `echo "execution list --since=$DATE"` is the shell's own variable (an
  // empty --since otherwise, which the console refuses), so the shell gets DATE as the script does.
  await mkdir(join(dir, '.ratchet'));
  const today = new Date().toISOString().slice(0, 10);
  for (const l of echoLines) {
    const r = await runShell(`${l} >> ~/.ratchet/daily-health.rsh`, {
      cwd: dir,
      env: { ...env, DATE: today },
    });
    assert.equal(r.code, 0, `${l}\n${r.stderr}`);
  }
  assert.equal(
    await readFile(join(dir, '.ratchet', 'daily-health.rsh'), 'utf8'),
    `set DATE = ${today}\nserver status\ndb status\nexecution list --since=${today}\n`,
  );

  const script = `${consoleLines.join('\n')}\n`;
  const session = async (where: RegExp, extraEnv: NodeJS.ProcessEnv = {}) => {
    const r = await runShell(`${sh}ratchet console <<'EOF'\n${script}EOF`, {
      cwd: dir,
      env: { ...env, ...extraEnv },
    });
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout.slice(-2000)}`);
    assert.equal(r.stderr, '', 'no errors and no warnings');
    assert.match(r.stdout, where);
    assert.match(r.stdout, /^output:\s+\{"version":"1\.0\.0","input":\{"city":"Berlin"\}\}$/m);
    assert.match(r.stdout, /"input":\{"url":"https:\/\/api\.example\.com"\}/);
    assert.match(r.stdout, /"input":\{"debug":""\}/, '${DEBUG:+true} is empty while DEBUG is unset');
    assert.match(r.stdout, /"input":\{"env":"development","debug":"true"\}/);
    assert.match(r.stdout, /^my-repo\s+FILE\s+true/m);
    assert.match(r.stdout, /^queue paused/m);
    assert.match(r.stdout, /^Ratchet monitor — /m);
    assert.match(r.stdout, /^011_queue_state\s+true$/m);
    assert.match(r.stdout, new RegExp(`^${dir}$`, 'm'), 'env HOME');
  };

  const serve = await startServe([], dir, env);
  try {
    await waitReady(serve.url);
    const { port, host } = new URL(serve.url);
    env.RATCHET_SERVER__PORT = port;
    env.RATCHET_API_KEY = key;
    await session(new RegExp(`^ok \\(${host}\\)$`, 'm'));

    for (const line of shellLines) {
      const r = await runShell(`${sh}echo health | ${line}`, { cwd: dir, env });
      const remote = /--connect=(\S+)/.exec(line)?.[1];
      if (remote) {
        assert.equal(r.code, 1, line);
        assert.match(r.stderr, new RegExp(`cannot reach ${new URL(remote).origin.replace(/\./g, '\\.')}`));
        const here = await runShell(`${sh}echo health | ${line.replace(remote, serve.url)}`, {
          cwd: dir,
          env,
        });
        assert.equal(here.code, 0, `${line}\n${here.stderr}`);
        assert.match(here.stdout, new RegExp(`^ok \\(${host}\\)$`, 'm'));
        continue;
      }
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
      if (line.includes('--script')) assert.match(r.stdout, /^NAME\s+KIND|^ID\s+NAME/m);
      else assert.match(r.stdout, /^ok \((local|127\.0\.0\.1:\d+)\)$/m, line);
    }
  } finally {
    serve.child.kill('SIGTERM');
    await serve.exit;
  }
  // Nothing answers any more: plain `ratchet console` opens the local store (a fresh one here).
  try {
    delete env.RATCHET_API_KEY;
    delete env.RATCHET_SERVER__PORT;
    await session(/^ok \(local\)$/m, { RATCHET_DATABASE_URL: `sqlite://${join(dir, 'local.db')}` });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
