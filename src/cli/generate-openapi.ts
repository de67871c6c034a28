// `ratchet generate task from-openapi`: a task folder from one operation of an OpenAPI document
// (the task guide's spelling). A subcommand of `generate task`, whose --path and --force it shares.
import type { Command } from 'commander';
import { defaultHttpOptions } from '../http/client.ts';
import { readOpenApiSpec } from '../services/openapi-tasks.ts';
import { ScaffoldError } from '../tasks/scaffold/generate.ts';
import { generateTaskFromOpenApi } from '../tasks/scaffold/openapi/generate-from-openapi.ts';
import { UsageError } from './errors.ts';

interface FromOpenApiFlags {
  specUrl: string;
  operation: string;
  autoTestCases?: boolean;
  path?: string;
  version?: string;
  author?: string;
  tags?: string;
  force?: boolean;
  json?: boolean;
}

/** Flags of `generate task` that a task from an OpenAPI operation does not take. */
const NOT_HERE = [
  'label',
  'description',
  'template',
  'fromTemplate',
  'timeout',
  'memoryLimit',
  'retryAttempts',
  'inputValidation',
];

export function registerFromOpenApi(task: Command): void {
  task
    .command('from-openapi')
    .description('create a task folder that calls one operation of an OpenAPI 3.0/3.1 document')
    .requiredOption('--spec-url <file|url>', 'the OpenAPI document (JSON or YAML): a file or an http(s) URL')
    .requiredOption('--operation <operationId>', 'the operationId to call')
    .option('--auto-test-cases', "write tests/*.json from the document's examples, with mocked HTTP")
    .option('--path <dir>', 'folder to create (default: the operation id, in the current folder)')
    .option('--author <name>', 'author')
    .option('--tags <list>', 'comma-separated tags')
    .option('--force', 'write into a folder that already has files')
    .option('--json', 'print the result as JSON')
    .action(async (_flags: unknown, cmd: Command) => {
      // `generate task` declares --path, --force and --json too, and commander gives a flag to
      // the first command that declares it: read them merged.
      const flags = cmd.optsWithGlobals<FromOpenApiFlags>();
      // The parent's template flags mean nothing here; refuse them rather than ignore them.
      const parent = cmd.parent?.opts() ?? {};
      const foreign = Object.keys(parent).filter((k) => NOT_HERE.includes(k) && parent[k] !== undefined);
      if (foreign.length > 0) {
        const names = foreign.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
        throw new UsageError(
          `generate task from-openapi: ${names.join(', ')} ${names.length > 1 ? 'do' : 'does'} not apply to a task made from an OpenAPI operation (its name and description come from the operation)`,
        );
      }
      const version = flags.version;
      let result: Awaited<ReturnType<typeof generateTaskFromOpenApi>>;
      try {
        const spec = await readOpenApiSpec(flags.specUrl, defaultHttpOptions);
        result = await generateTaskFromOpenApi({
          spec,
          operationId: flags.operation,
          autoTestCases: flags.autoTestCases === true,
          ...(flags.path !== undefined ? { path: flags.path } : {}),
          ...(version !== undefined ? { version } : {}),
          ...(flags.author !== undefined ? { author: flags.author } : {}),
          ...(flags.tags !== undefined ? { tags: flags.tags.split(',') } : {}),
          force: flags.force === true,
        });
      } catch (err) {
        if (err instanceof ScaffoldError) throw new UsageError(`generate task from-openapi: ${err.message}`);
        throw err;
      }
      if (flags.json) {
        const { dir, name, operationId, method, path, metadata, skipped, notes } = result;
        const files = Object.keys(result.files);
        const out = { dir, name, operationId, method, path, metadata, files, skipped, notes };
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const lines = [`created ${result.dir} for ${result.method} ${result.path} (${result.operationId}):`];
      for (const f of Object.keys(result.files)) lines.push(`  ${f}`);
      if (result.skipped.length > 0) lines.push('', 'skipped:', ...result.skipped.map((s) => `  - ${s}`));
      if (result.notes.length > 0) lines.push('', 'test cases:', ...result.notes.map((s) => `  - ${s}`));
      const shown = flags.path ?? result.operationId;
      lines.push('', 'next:', `  ratchet validate ${shown}`, `  ratchet test ${shown}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
