// `ratchet config validate | show | generate | docs`: check a configuration, print the effective one
// (file + environment, secrets masked), write a commented starting file, print the key reference.
import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { renderConfigDocs } from '../config/docs.ts';
import { ConfigError, formatIssue } from '../config/errors.ts';
import { TEMPLATE_TYPES, configTemplate, isTemplateType } from '../config/generate.ts';
import { loadConfig } from '../config/load.ts';
import { maskSecrets } from '../config/mask.ts';
import { CliExit, UsageError } from './errors.ts';
import { configFileOption, loadCliConfig } from './load-config.ts';

const CONFIG_OPTION = ['-c, --config <file>', 'configuration file (YAML or JSON)'] as const;

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check, show and generate configuration files');

  config
    .command('validate')
    .description('check a configuration file (and the RATCHET_* environment); exit 1 if invalid')
    .option(...CONFIG_OPTION)
    // The brief's README spells it `config validate --config-file=<path>`.
    .addOption(new Option('--config-file <file>', 'same as --config').hideHelp().conflicts('config'))
    .action(async (opts: { configFile?: string }, cmd: Command) => {
      const file = opts.configFile ?? configFileOption(cmd);
      const label = file ?? 'defaults + environment';
      try {
        await loadConfig({ file });
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        const n = err.issues.length;
        process.stderr.write(`✗ ${label}: ${n} problem${n === 1 ? '' : 's'}\n`);
        for (const issue of err.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
        throw new CliExit(1);
      }
      process.stdout.write(`✓ ${label}: valid\n`);
    });

  config
    .command('show')
    .description('print the effective configuration (defaults, file, environment) with secrets masked')
    .option(...CONFIG_OPTION)
    .option('--format <format>', 'yaml or json', 'yaml')
    .option('--mcp-only', 'only the MCP section (mcp:)')
    .action(async (opts: { format: string; mcpOnly?: boolean }, cmd: Command) => {
      if (opts.format !== 'yaml' && opts.format !== 'json') {
        throw new UsageError(`--format must be yaml or json (got "${opts.format}")`);
      }
      const masked = maskSecrets(await loadCliConfig(cmd));
      // Under its key, so the output is still a configuration file one can load.
      const effective = opts.mcpOnly ? { mcp: masked.mcp } : masked;
      process.stdout.write(
        opts.format === 'json'
          ? `${JSON.stringify(effective, null, 2)}\n`
          : stringify(effective, { lineWidth: 0 }),
      );
    });

  config
    .command('generate')
    .description('write a commented configuration to start from')
    .option('--type <type>', `kind of configuration (required): ${TEMPLATE_TYPES.join(', ')}`)
    // The brief's README spells it `config generate --config-type=dev`.
    .addOption(new Option('--config-type <type>', 'same as --type').hideHelp().conflicts('type'))
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('--force', 'overwrite the output file if it exists')
    .action(async (opts: { type?: string; configType?: string; output?: string; force?: boolean }) => {
      const type = opts.type ?? opts.configType;
      if (type === undefined) {
        throw new UsageError(`config generate: --type is required (${TEMPLATE_TYPES.join(', ')})`);
      }
      if (!isTemplateType(type)) {
        throw new UsageError(`unknown --type "${type}" (valid: ${TEMPLATE_TYPES.join(', ')})`);
      }
      const text = configTemplate(type);
      if (opts.output === undefined) {
        process.stdout.write(text);
        return;
      }
      const target = resolve(opts.output);
      if (!opts.force && (await exists(target))) {
        throw new UsageError(`${opts.output} already exists; use --force to overwrite it`);
      }
      await writeFile(target, text, 'utf8');
      process.stdout.write(`✓ wrote ${type} configuration to ${opts.output}\n`);
    });

  config
    .command('docs')
    .description('print the reference of every configuration key (Markdown)')
    .action(() => {
      process.stdout.write(renderConfigDocs());
    });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
