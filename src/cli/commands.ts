// Every CLI command module, by the command name it registers. Modules are imported only when
// their command runs, so `ratchet run-once` does not pay for loading the HTTP server, the database
// drivers or the MCP SDK. The root help and unknown commands load them all, except in the built
// CLI, which lists them from the index the build wrote (command-index.ts).
import type { Command } from 'commander';
import { UsageError } from './errors.ts';

type Register = (program: Command) => void;

export const COMMAND_MODULES: Record<string, () => Promise<Register>> = {
  'run-once': async () => (await import('./run-once.ts')).registerRunOnce,
  'run-batch': async () => (await import('./run-batch.ts')).registerRunBatch,
  watch: async () => (await import('./watch.ts')).registerWatch,
  benchmark: async () => (await import('./benchmark.ts')).registerBenchmark,
  validate: async () => (await import('./validate.ts')).registerValidate,
  lint: async () => (await import('./lint.ts')).registerLint,
  update: async () => (await import('./task-metadata-edit.ts')).registerUpdate,
  clone: async () => (await import('./task-metadata-edit.ts')).registerClone,
  test: async () => (await import('./test.ts')).registerTest,
  fuzz: async () => (await import('./fuzz.ts')).registerFuzz,
  debug: async () => (await import('./debug.ts')).registerDebug,
  replay: async () => (await import('./replay.ts')).registerReplay,
  generate: async () => (await import('./generate.ts')).registerGenerate,
  serve: async () => (await import('./serve.ts')).registerServe,
  worker: async () => (await import('./worker.ts')).registerWorker,
  job: async () => (await import('./job.ts')).registerJob,
  workflow: async () => (await import('./workflow.ts')).registerWorkflow,
  execution: async () => (await import('./execution.ts')).registerExecution,
  schedule: async () => (await import('./schedule.ts')).registerSchedule,
  task: async () => (await import('./task.ts')).registerTask,
  repo: async () => (await import('./repo.ts')).registerRepo,
  apikey: async () => (await import('./apikey.ts')).registerApiKey,
  config: async () => (await import('./config.ts')).registerConfigCommands,
  db: async () => (await import('./db.ts')).registerDb,
  console: async () => (await import('./console.ts')).registerConsole,
  'mcp-serve': async () => (await import('./mcp.ts')).registerMcpServe,
  mcp: async () => (await import('./mcp.ts')).registerMcp,
  env: async () => (await import('./processes.ts')).registerEnv,
  proc: async () => (await import('./processes.ts')).registerProc,
  ps: async () => (await import('./processes.ts')).registerPs,
  supervisor: async () => (await import('./processes.ts')).registerSupervisor,
};

/** Registers the named command only, or every command when `only` is absent or unknown. */
export async function registerCommands(program: Command, only?: string): Promise<void> {
  const names = only !== undefined && only in COMMAND_MODULES ? [only] : Object.keys(COMMAND_MODULES);
  const registers = await Promise.all(names.map((n) => COMMAND_MODULES[n]!()));
  for (const register of registers) register(program);
}

const GLOBAL_OPTIONS_WITH_VALUE = new Set(['-c', '--config', '--log-level']);

/** The words of an argument list that are not options (nor the values of global options). */
export function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) words.push(arg);
  }
  return words;
}

/** The command an argument list invokes (`help X` counts as X), or undefined. */
export function invokedCommand(argv: readonly string[]): string | undefined {
  const words = commandWords(argv);
  return words[0] === 'help' ? words[1] : words[0];
}

/**
 * The command `ratchet help a b …` asks about, when it names a nested one (commander's help
 * command looks one level down only, so `help repo init` would print the help of `repo`).
 * Undefined when there is nothing nested to resolve.
 */
export function nestedHelpTarget(program: Command, argv: readonly string[]): Command | undefined {
  const words = commandWords(argv);
  if (words[0] !== 'help' || words.length < 3) return undefined;
  let target = program;
  const path: string[] = [];
  for (const word of words.slice(1)) {
    const sub = target.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub === undefined) {
      const where = path.length === 0 ? 'ratchet' : `ratchet ${path.join(' ')}`;
      throw new UsageError(`${where} has no command '${word}' (run \`${where} --help\` for its commands)`);
    }
    target = sub;
    path.push(sub.name());
  }
  return target;
}
