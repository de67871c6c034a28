// `ratchet replay <dir> --recording <session>`: re-run a task on a recorded input with every fetch
// answered from the session's requests.har (no network), and compare with the recorded outcome.
// Exit 0 when it matches, 1 when it differs, 2 for usage or loading errors.
// `--save-test` also turns the session into tests/recorded-<stamp>.json (mock_http) once the
// replay has shown the run is reproducible.
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { runtimeLimitsFromConfig } from '../runtime/settings.ts';
import { readSession, RecordingError, type RecordedSession } from '../services/recording.ts';
import { saveRecordedTest } from '../services/recorded-test.ts';
import { replaySession, type ReplayReport } from '../quality/replay.ts';
import { formatDiff } from '../testing/diff.ts';
import { CliExit, UsageError } from './errors.ts';
import { loadCliConfig } from './load-config.ts';
import { loadTaskOrExit } from './load-task.ts';
import { parsePositiveInt, taskPathFrom } from './task-path.ts';
import { formatTaskError } from './task-report.ts';

interface ReplayOptions {
  fromFs?: string;
  recording?: string;
  timeout?: string;
  json?: boolean;
  saveTest?: boolean;
}

export async function readSessionOrExit(path: string): Promise<RecordedSession> {
  try {
    return await readSession(path);
  } catch (err) {
    if (err instanceof RecordingError) throw new UsageError(err.message);
    throw err;
  }
}

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-run a task offline against a recording (run-once --record) and compare the output')
    .argument('[dir]', 'task folder or .zip')
    .option('--from-fs <dir>', 'task folder (alias of the positional argument)')
    .option(
      '--recording <session>',
      'session folder written by run-once --record (or the --record folder: its newest session)',
    )
    .option('--timeout <ms>', 'time limit in milliseconds (overrides metadata.json timeout)')
    .option('--save-test', 'when the replay matches, save it as tests/recorded-<stamp>.json with mock_http')
    .option('--json', 'print one machine-readable report object')
    .action(async (dir: string | undefined, opts: ReplayOptions, cmd: Command) => {
      const path = taskPathFrom(dir, opts.fromFs, 'replay');
      if (opts.recording === undefined) {
        throw new UsageError('replay: missing --recording <session> (a folder written by run-once --record)');
      }
      const timeoutMs = opts.timeout !== undefined ? parsePositiveInt(opts.timeout, '--timeout') : undefined;
      const config = await loadCliConfig(cmd);
      const session = await readSessionOrExit(opts.recording);
      if (session.path !== resolve(opts.recording)) {
        process.stderr.write(`replaying ${session.path} (the newest session in ${opts.recording})\n`);
      }
      const pkg = await loadTaskOrExit(path, Boolean(opts.json));
      if (opts.saveTest && pkg.origin.kind !== 'dir') {
        throw new UsageError(
          `replay --save-test: ${path} is not a task folder (tests are written into tests/)`,
        );
      }
      const report = await replaySession(pkg, session, {
        limits: runtimeLimitsFromConfig(config),
        timeoutMs,
      });
      let savedTest: string | undefined;
      if (opts.saveTest && report.matches) savedTest = await saveOrExplain(path, session);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(jsonReport(report, savedTest), null, 2)}\n`);
      } else {
        printReport(report, pkg.code);
        if (savedTest) process.stdout.write(`saved test ${savedTest}\n`);
        else if (opts.saveTest && !report.matches)
          process.stderr.write('no test saved: the replay does not reproduce the recording\n');
      }
      if (!report.matches) throw new CliExit(1);
    });
}

async function saveOrExplain(taskDir: string, session: RecordedSession): Promise<string> {
  try {
    return await saveRecordedTest(taskDir, session);
  } catch (err) {
    if (err instanceof RecordingError) throw new UsageError(err.message);
    throw err;
  }
}

function printReport(report: ReplayReport, code: string): void {
  const served = report.result.http.length - report.mismatches.length;
  if (report.matches) {
    const requests = served === 1 ? '1 request' : `${served} requests`;
    process.stdout.write(`✓ replay matches the recording (${requests} served from requests.har)\n`);
    return;
  }
  const lines = ['✗ replay differs from the recording', `  recording: ${report.session}`];
  for (const m of report.mismatches) lines.push(`  ${m.message}`);
  if (report.unused.length > 0) {
    lines.push(`  the task never made ${report.unused.length} recorded request(s):`);
    for (const u of report.unused) lines.push(`    ${u.method} ${u.url}`);
  }
  if (report.outcomeProblem) lines.push(`  ${report.outcomeProblem}`);
  if (report.differences.length > 0) {
    lines.push('  output differs (- recorded, + replay):');
    for (const d of formatDiff(report.differences)) lines.push(`    ${d}`);
  }
  if (report.actual.error && report.mismatches.length === 0) {
    lines.push('', formatTaskError(report.actual.error, code));
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function jsonReport(report: ReplayReport, savedTest: string | undefined): object {
  return {
    matches: report.matches,
    session: report.session,
    mismatches: report.mismatches,
    unused: report.unused,
    expected: report.expected,
    actual: report.actual,
    differences: report.differences,
    ...(report.outcomeProblem ? { outcomeProblem: report.outcomeProblem } : {}),
    ...(savedTest ? { savedTest } : {}),
    logs: report.result.logs,
  };
}
