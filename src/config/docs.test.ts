import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI_MAIN, assertBuilt, cleanEnv, runShell } from '../cli/test-helpers/cli-process.ts';
import { renderConfigDocs } from './docs.ts';
import { objectShape } from './introspect.ts';
import { ConfigSchema } from './schema.ts';

const DOC = fileURLToPath(new URL('../../docs/configuration.md', import.meta.url));

void describe('docs/configuration.md', () => {
  void it('is exactly what renderConfigDocs() generates (regenerate: ratchet config docs > docs/configuration.md)', async () => {
    assert.equal(await readFile(DOC, 'utf8'), renderConfigDocs());
  });

  void it('documents every key of the schema', () => {
    const doc = renderConfigDocs();
    const walk = (schema: Parameters<typeof objectShape>[0], path: string[]): void => {
      for (const [key, child] of Object.entries(objectShape(schema) ?? {})) {
        const sub = objectShape(child);
        if (sub) walk(child, [...path, key]);
        else
          assert.ok(
            doc.includes(`| \`${[...path, key].join('.')}\` |`),
            `${[...path, key].join('.')} undocumented`,
          );
      }
    };
    walk(ConfigSchema, []);
  });

  void it('every shell command it shows works against the built CLI', async () => {
    assertBuilt();
    const doc = await readFile(DOC, 'utf8');
    const commands = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')),
    );
    assert.ok(commands.length >= 5, `found only ${commands.length} commands`);
    const dir = await mkdtemp(join(tmpdir(), 'ratchet-doc-'));
    try {
      // A `ratchet` on PATH that runs the build with this Node, as an installed package would.
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
});
