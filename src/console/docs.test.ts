// docs/console.md is executed: every `rsh` block runs as a script in a local session, every `sh`
// line runs against the built CLI, and the YAML block loads as configuration.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigSchema } from '../config/schema.ts';
import { CLI_MAIN, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import { writeTask } from '../registry/test-helpers/tasks.ts';
import { localSession } from './test-helpers/session.ts';

const DOC = fileURLToPath(new URL('../../docs/console.md', import.meta.url));
const GREET = { name: 'greet', code: 'function main(i) { return { greeting: "hello " + i.name }; }' };

function blocks(doc: string, lang: string): string[] {
  return [...doc.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}

void test('docs/console.md: rsh blocks, sh lines and the YAML all work as written', async () => {
  const doc = await readFile(DOC, 'utf8');
  const rsh = blocks(doc, 'rsh');
  assert.equal(rsh.length, 3);
  const t = await localSession([GREET]);
  const cwd = process.cwd();
  try {
    // `repo add extra file://./more-tasks` names a folder relative to the working directory.
    await writeTask(join(t.dir, 'more-tasks', 'hello'), { name: 'hello' });
    process.chdir(t.dir);
    for (const block of rsh) {
      const r = await t.run(block);
      assert.ok(r.ok, r.err);
      assert.equal(r.err, '', 'no warnings');
    }
    process.chdir(cwd);
    assert.match(t.stdout(), /hello Ada/);
    assert.match(t.stdout(), /^queue:\s+PAUSED/m);
    assert.match(t.stdout(), /^extra\s+file\s+true\s+1/m);

    await writeFile(join(t.dir, 'nightly.rsh'), rsh[0]!);
    await writeFile(
      join(t.dir, 'ratchet.yaml'),
      YAML.stringify({
        server: { database: { url: `sqlite://${join(t.dir, 'cli.db')}` } },
        registry: { sources: [{ name: 'local', uri: 'file://./tasks' }] },
      }),
    );
    const env = cleanEnv({ RATCHET_CONFIG: join(t.dir, 'ratchet.yaml'), HOME: t.dir });
    const ratchet = `ratchet() { ${process.execPath} ${CLI_MAIN} --config ratchet.yaml "$@"; }; `;
    const lines = blocks(doc, 'sh').flatMap((b) => b.split('\n').filter((l) => l.trim() !== ''));
    assert.equal(lines.length, 3);
    for (const line of lines) {
      const r = await runShell(ratchet + line, { cwd: t.dir, env });
      assert.equal(r.code, 0, `${line}\n${r.stderr}`);
    }
    const yaml = YAML.parse(blocks(doc, 'yaml')[0]!) as Record<string, unknown>;
    assert.equal(ConfigSchema.parse(yaml).console.variables.predefined.WHO, 'Ada');
  } finally {
    process.chdir(cwd);
    await t.close();
  }
});
