// docs/registry.md: every shell command it shows runs, in order, against the built CLI in an empty
// folder (with the first YAML block saved as ratchet.yaml); every YAML block is a valid configuration.
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { ConfigSchema } from '../config/schema.ts';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import { tempDir } from './test-helpers/tasks.ts';

const DOC = fileURLToPath(new URL('../../docs/registry.md', import.meta.url));

function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(new RegExp(`^\`\`\`${lang}\\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]!);
}

test('docs/registry.md: every YAML block is a valid configuration', async () => {
  const yamlBlocks = blocks(await readFile(DOC, 'utf8'), 'yaml');
  assert.ok(yamlBlocks.length >= 2);
  for (const y of yamlBlocks) ConfigSchema.parse(YAML.parse(y));
});

test('docs/registry.md: every shell command works as written', async () => {
  assertBuilt();
  const text = await readFile(DOC, 'utf8');
  const commands = blocks(text, 'sh').flatMap((b) =>
    b
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#')),
  );
  assert.ok(commands.length >= 10, `found only ${commands.length} commands`);
  const { dir, cleanup } = await tempDir('ratchet-registry-doc-');
  try {
    await writeFile(join(dir, 'ratchet.yaml'), blocks(text, 'yaml')[0]!);
    await writeFile(join(dir, 'ratchet'), `#!/bin/sh\nexec "${process.execPath}" "${CLI_MAIN}" "$@"\n`);
    await chmod(join(dir, 'ratchet'), 0o755);
    const env = cleanEnv({ PATH: `${dir}:${process.env.PATH ?? ''}` });
    const outputs: string[] = [];
    for (const line of commands) {
      const r = await runShell(line, { cwd: dir, env });
      assert.equal(r.code, 0, `\`${line}\` exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
      assert.notEqual(r.stdout.trim(), '', `\`${line}\` printed nothing`);
      outputs.push(r.stdout);
    }
    // The walkthrough really synced: the example task and the ./tasks one are in the store.
    const all = outputs.join('\n');
    assert.match(all, /added {5}hello-world@1\.0\.0/);
    assert.match(all, /added {5}greet@1\.0\.0/);
  } finally {
    await cleanup();
  }
});
