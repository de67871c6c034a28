// `ratchet test DIR --baseline-version V [--compare-performance] [--fail-on-regression]`: the
// folder's cases run through the folder's task and through version V of the same task in the
// configured store (quality/baseline.ts); each case's change is printed, or one JSON report.
// Exit 0, or 1 with --fail-on-regression when something got worse.
import type { Command } from 'commander';
import {
  compareWithBaseline,
  isRegression,
  PERFORMANCE_RUNS,
  type BaselineCase,
  type BaselineReport,
} from '../quality/baseline.ts';
import type { HttpClientOptions } from '../http/client.ts';
import type { RuntimeLimits } from '../runtime/run-task.ts';
import { resolveTaskPackage } from '../tasks/stored-versions.ts';
import type { TaskPackage } from '../tasks/types.ts';
import { CliExit } from './errors.ts';
import { formatMs, type Style } from './test-output.ts';
import { withApp } from './with-app.ts';

export interface BaselineRunOptions {
  version: string;
  comparePerformance: boolean;
  failOnRegression: boolean;
  json: boolean;
  filter?: string;
  limits: RuntimeLimits;
  http: HttpClientOptions;
  style: Style;
}

export async function runBaselineComparison(
  cmd: Command,
  pkg: TaskPackage,
  o: BaselineRunOptions,
): Promise<void> {
  // The baseline is the stored version of the task the folder holds (matched by UUID, then name).
  const baseline = await withApp(cmd, async (app) => {
    const byUuid = await resolveTaskPackage(app.store.db, pkg.metadata.uuid, o.version).catch(
      () => undefined,
    );
    return (byUuid ?? (await resolveTaskPackage(app.store.db, pkg.metadata.name, o.version))).pkg;
  });
  const report = await compareWithBaseline(pkg, baseline, {
    runs: o.comparePerformance ? PERFORMANCE_RUNS : 1,
    filter: o.filter,
    limits: o.limits,
    http: o.http,
  });
  process.stdout.write(
    o.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatBaseline(report, o.style).join('\n')}\n`,
  );
  if (o.failOnRegression && report.regressions > 0) throw new CliExit(1);
}

const LABEL: Record<BaselineCase['change'], string> = {
  same: 'same',
  'output-changed': 'output changed',
  'now-fails': 'now fails',
  'error-changed': 'error changed',
  'now-succeeds': 'now succeeds',
};

export function formatBaseline(r: BaselineReport, style: Style): string[] {
  const runs = r.runs > 1 ? `, median of ${r.runs} runs` : '';
  const lines = [`${r.task} ${r.baselineVersion} → ${r.currentVersion} (${r.cases.length} case(s)${runs})`];
  for (const c of r.cases) {
    const bad = isRegression(c);
    const mark = bad ? style.red('✗') : c.change === 'now-succeeds' ? style.green('↑') : style.green('✓');
    const label = c.slower && c.change === 'same' ? 'slower' : LABEL[c.change];
    const timing =
      r.runs > 1
        ? ` ${style.dim(`${formatMs(c.baseline.durationMs)} → ${formatMs(c.current.durationMs)}`)}`
        : '';
    lines.push(`  ${mark} ${label.padEnd(14)} ${c.name}${timing}`);
    for (const ch of c.outputChanges.slice(0, 10)) {
      const before = ch.kind === 'added' ? '(absent)' : JSON.stringify(ch.before);
      const after = ch.kind === 'removed' ? '(absent)' : JSON.stringify(ch.after);
      lines.push(`      ${ch.path}: ${before} → ${after}`);
    }
    if (c.change === 'now-fails' || c.change === 'error-changed') {
      if (c.baseline.error) lines.push(`      was: ${c.baseline.error.type}: ${c.baseline.error.message}`);
      lines.push(`      now: ${c.current.error?.type ?? '?'}: ${c.current.error?.message ?? ''}`);
    }
    if (c.slower && c.change !== 'same') lines.push(`      also slower`);
  }
  lines.push(
    r.regressions === 0
      ? style.green('no regressions')
      : style.red(
          `${r.regressions} regression(s): changed output, new or different failures${r.runs > 1 ? `, or slower by more than ${r.thresholdPct} %` : ''}`,
        ),
  );
  return lines;
}
