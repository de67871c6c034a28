// `ratchet generate task … --include-tests`: the template's folder, plus one test case per input
// the input schema must reject (wrong types, missing required fields, values out of range), each
// expecting a ValidationError. They come from the edge-case generator (quality/generate-tests.ts)
// and only those cases are kept: they pin the input contract and stay true whatever the author
// then writes in main.js, unlike cases recording the template code's current output.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateTests } from '../quality/generate-tests.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import { loadTask } from '../tasks/load.ts';
import { generateTask, type GenerateTaskOptions, type GeneratedTask } from '../tasks/scaffold/generate.ts';

/** Fixed, so the same command writes the same cases. */
const SCAFFOLD_SEED = 1;

export interface ScaffoldOptions extends GenerateTaskOptions {
  includeTests?: boolean;
  limits?: RuntimeLimits;
}

export async function scaffoldTask(opts: ScaffoldOptions): Promise<GeneratedTask> {
  const generated = await generateTask(opts);
  if (!opts.includeTests) return generated;
  const pkg = await loadTask(generated.dir);
  const { proposals } = await generateTests(pkg, { seed: SCAFFOLD_SEED, limits: opts.limits });
  const files = [...generated.files];
  for (const p of proposals.filter((x) => x.kind === 'rejected-input')) {
    const rel = `tests/${p.file}`;
    try {
      // `wx`: a case already there (--force into an existing folder) is kept.
      await writeFile(join(generated.dir, rel), p.content, { flag: 'wx' });
      files.push(rel);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return { ...generated, files };
}
