// `ratchet generate task|templates|mcpservers-json`: scaffold a task folder from a template, list
// the templates, print the MCP client configuration for this installation.
import type { Command } from 'commander';
import { scaffoldTask } from '../services/task-scaffold.ts';
import {
  DEFAULT_TEMPLATE,
  ScaffoldError,
  TEMPLATES,
  type GeneratedTask,
} from '../tasks/scaffold/generate.ts';
import { UsageError } from './errors.ts';
import { registerFromOpenApi } from './generate-openapi.ts';
import { parseNonNegativeInt } from './duration.ts';
import { parsePositiveInt } from './task-path.ts';
import { configFileOption, loadCliConfig } from './load-config.ts';
import { claudeMcpAddLine, mcpServerCommand, mcpServersJson } from './mcp-snippet.ts';

interface GenerateTaskFlags {
  path?: string;
  label?: string;
  description?: string;
  version?: string;
  author?: string;
  tags?: string;
  template?: string;
  fromTemplate?: string;
  timeout?: string;
  memoryLimit?: string;
  retryAttempts?: string;
  inputValidation?: string;
  includeTests?: boolean;
  includeDocs?: boolean;
  force?: boolean;
  json?: boolean;
}

export function registerGenerate(program: Command): void {
  const generate = program.command('generate').description('scaffold tasks and configuration snippets');

  const task = generate
    .command('task')
    .description('create a task folder from a template (metadata, main.js, schemas, tests)')
    .argument('[path]', 'folder to create')
    .option('--path <path>', 'folder to create (alias of the positional argument)')
    .option('--label <label>', 'human-readable name')
    .option('--description <text>', 'what the task does')
    .option('--version <semver>', 'initial version', '1.0.0')
    .option('--author <name>', 'author')
    .option('--tags <list>', 'comma-separated tags')
    .option(
      '--template <name>',
      `template (see \`ratchet generate templates\`; api and rest-api mean http-api)`,
    )
    .option('--from-template <name>', "alias of --template (the task guide's spelling)")
    .option('--timeout <ms>', 'time limit per run, milliseconds (metadata.json timeout)')
    .option('--memory-limit <size>', 'memory limit such as 256MB (metadata.json memory_limit)')
    .option('--retry-attempts <n>', 'retries of a queued job (metadata.json max_retries)')
    .option(
      '--input-validation <mode>',
      'strict: the input schema refuses undeclared properties; loose: as the template',
    )
    .option('--include-tests', 'also write a test case for each input the input schema must reject')
    .option('--include-docs', "also write README.md: the task's input and output fields and its commands")
    .option('--force', 'write into a folder that already has files')
    .option('--json', 'print the result as JSON')
    .action(async (positional: string | undefined, flags: GenerateTaskFlags) => {
      if (positional !== undefined && flags.path !== undefined && positional !== flags.path) {
        throw new UsageError('generate task: give the folder once (positional or --path), not both');
      }
      const path = positional ?? flags.path;
      if (path === undefined)
        throw new UsageError('generate task: missing the folder (ratchet generate task <path>)');
      if (
        flags.template !== undefined &&
        flags.fromTemplate !== undefined &&
        flags.template !== flags.fromTemplate
      ) {
        throw new UsageError('generate task: give the template once (--template or --from-template)');
      }
      const mode = flags.inputValidation;
      if (mode !== undefined && mode !== 'strict' && mode !== 'loose') {
        throw new UsageError(
          `generate task: --input-validation must be strict or loose (got ${JSON.stringify(mode)})`,
        );
      }
      let generated: GeneratedTask;
      try {
        generated = await scaffoldTask({
          path,
          label: flags.label,
          description: flags.description,
          version: flags.version,
          author: flags.author,
          tags: flags.tags?.split(','),
          template: flags.template ?? flags.fromTemplate ?? DEFAULT_TEMPLATE,
          force: flags.force,
          timeoutMs: flags.timeout === undefined ? undefined : parsePositiveInt(flags.timeout, '--timeout'),
          memoryLimit: flags.memoryLimit,
          maxRetries:
            flags.retryAttempts === undefined
              ? undefined
              : parseNonNegativeInt(flags.retryAttempts, '--retry-attempts'),
          strictInput: mode === 'strict',
          includeDocs: flags.includeDocs,
          includeTests: flags.includeTests,
        });
      } catch (err) {
        if (err instanceof ScaffoldError) throw new UsageError(`generate task: ${err.message}`);
        throw err;
      }
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(generated, null, 2)}\n`);
        return;
      }
      const lines = [`created ${generated.dir} from the ${generated.template} template:`];
      for (const f of generated.files) lines.push(`  ${f}`);
      lines.push('', 'next:', `  ratchet validate ${path}`);
      if (generated.files.some((f) => f.startsWith('tests/'))) lines.push(`  ratchet test ${path}`);
      else
        lines.push(
          `  ratchet run-once ${path} --input-json '{}'`,
          '  then write main.js, the schemas and test cases in tests/ (docs/testing.md)',
        );
      process.stdout.write(`${lines.join('\n')}\n`);
    });
  registerFromOpenApi(task);

  generate
    .command('templates')
    .description('list the task templates')
    .option('--json', 'print a JSON array')
    .action((flags: { json?: boolean }) => {
      const list = TEMPLATES.map((t) => ({ name: t.name, description: t.description }));
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const width = Math.max(...list.map((t) => t.name.length));
      for (const t of list) process.stdout.write(`${t.name.padEnd(width)}  ${t.description}\n`);
    });

  generate
    .command('mcpservers-json')
    .description('print the MCP client configuration that starts `ratchet mcp-serve` from this install')
    .option('--format <format>', 'json (mcpServers block) or claude-config (a `claude mcp add` line)', 'json')
    .action(async (flags: { format: string }, cmd: Command) => {
      if (flags.format !== 'json' && flags.format !== 'claude-config') {
        throw new UsageError(`--format must be json or claude-config (got "${flags.format}")`);
      }
      const configFile = configFileOption(cmd);
      const command = mcpServerCommand({
        argv1: process.argv[1] ?? 'ratchet',
        execPath: process.execPath,
        configFile,
        // Only needed without a file (see mcpServerCommand), and the file may not exist yet.
        databaseUrl: configFile === undefined ? (await loadCliConfig(cmd)).server.database.url : undefined,
      });
      const text =
        flags.format === 'json'
          ? JSON.stringify(mcpServersJson(command), null, 2)
          : claudeMcpAddLine(command);
      process.stdout.write(`${text}\n`);
    });
}
