// `ratchet test TASK --generate-tests [--write] [--seed N] [--json]`: propose edge-case test
// cases from the input schema (src/quality/generate-tests.ts); --write saves them under
// tests/ (never over an existing file).
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import { generateTests } from '../quality/generate-tests.ts';
import type { TaskPackage } from '../tasks/types.ts';
import type { Style } from './test-output.ts';

export async function runGenerateTests(
  pkg: TaskPackage,
  dir: string,
  opts: { seed: number; write: boolean; json: boolean; limits: RuntimeLimits; style: Style },
): Promise<void> {
  const generated = await generateTests(pkg, { seed: opts.seed, limits: opts.limits });
  const written: string[] = [];
  const kept: string[] = [];
  if (opts.write) {
    await mkdir(join(dir, 'tests'), { recursive: true });
    for (const p of generated.proposals) {
      const path = join(dir, 'tests', p.file);
      if (await exists(path)) {
        kept.push(path);
        continue;
      }
      await writeFile(path, p.content);
      written.push(path);
    }
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...generated, written, kept }, null, 2)}\n`);
    return;
  }
  const { style } = opts;
  const label = {
    'expected-output': 'output recorded',
    'unexpected-error': 'FAILED',
    'rejected-input': 'rejected',
  };
  process.stdout.write(
    `${pkg.metadata.name}: ${generated.proposals.length} generated cases (seed ${generated.seed})\n`,
  );
  for (const p of generated.proposals) {
    const mark = p.kind === 'unexpected-error' ? style.red('✗') : style.green('•');
    process.stdout.write(`  ${mark} ${p.name} ${style.dim(JSON.stringify(p.input))} → ${label[p.kind]}\n`);
    if (p.error)
      process.stdout.write(
        `      ${p.error.type}: ${p.error.message}${p.error.location ? ` (main.js:${p.error.location.line})` : ''}\n`,
      );
  }
  for (const w of written) process.stdout.write(`wrote ${w}\n`);
  for (const k of kept) process.stdout.write(`kept existing ${k}\n`);
  if (!opts.write) process.stdout.write('review the expected outputs, then save them with --write\n');
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
