// Filesystem destination: renders the path template, then writes the file atomically (a temporary
// file in the same directory, renamed into place) so readers never see half a result.
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve, sep } from 'node:path';
import type { FilesystemDestination } from './destinations.ts';
import { formatCsv, formatJson, formatYaml, valueFor } from './payload.ts';
import type { DeliveryContext } from './payload.ts';
import { assertUnderRoots } from './roots.ts';

export const PATH_VARIABLES = [
  'task_name',
  'task_id',
  'job_id',
  'job_uuid',
  'execution_id',
  'schedule_id',
  'workflow_name',
  'run_id',
  'run_uuid',
  'status',
  'timestamp',
  'date',
] as const;

export class PathTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathTemplateError';
  }
}

/** Values of the template variables; `timestamp` has `:` replaced so it is a valid file name everywhere. */
export function pathVariables(ctx: DeliveryContext, now: Date): Record<string, string> {
  const stamp = now.toISOString();
  const when = {
    status: ctx.status.toLowerCase(),
    timestamp: stamp.replace(/:/g, '-'),
    date: stamp.slice(0, 10),
  };
  if (ctx.kind === 'workflow_run') {
    // A template written for a task schedule keeps working when the schedule starts a workflow:
    // task_name, job_id and job_uuid name the workflow and the run.
    const { run } = ctx;
    return {
      task_name: run.workflow,
      task_id: 'none',
      job_id: String(run.id),
      job_uuid: run.uuid,
      execution_id: 'none',
      schedule_id: 'none',
      workflow_name: run.workflow,
      run_id: String(run.id),
      run_uuid: run.uuid,
      ...when,
    };
  }
  return {
    task_name: ctx.taskName,
    task_id: String(ctx.job.taskId),
    job_id: String(ctx.job.id),
    job_uuid: ctx.job.uuid,
    execution_id: ctx.execution ? String(ctx.execution.id) : 'none',
    schedule_id: ctx.job.scheduleId === null ? 'none' : String(ctx.job.scheduleId),
    workflow_name: 'none',
    run_id: 'none',
    run_uuid: 'none',
    ...when,
  };
}

/** A variable's value as one safe path segment: no separators, never `.` or `..`. */
function safeSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '_');
  return cleaned === '' || /^\.+$/.test(cleaned) ? '_' : cleaned;
}

/**
 * Renders `template` and resolves it against `baseDir`. The result must stay inside the directory
 * the template's fixed part names (so neither a variable nor a `..` after one can climb out).
 */
export function renderPath(template: string, vars: Record<string, string>, baseDir: string): string {
  const rendered = template.replace(/\{\{\s*([A-Za-z_]+)\s*\}\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) {
      throw new PathTemplateError(
        `path template "${template}": unknown variable {{${name}}} (known: ${PATH_VARIABLES.join(', ')})`,
      );
    }
    return safeSegment(value);
  });
  if (/\{\{|\}\}/.test(rendered)) {
    throw new PathTemplateError(`path template "${template}": unbalanced {{ }}`);
  }
  const fixed = template.includes('{{') ? template.slice(0, template.indexOf('{{')) : template;
  const root = resolve(baseDir, fixed.endsWith('/') || fixed === '' ? fixed || '.' : dirname(fixed));
  const target = isAbsolute(rendered) ? resolve(rendered) : resolve(baseDir, rendered);
  if (!target.startsWith(root === sep ? sep : root + sep)) {
    throw new PathTemplateError(`path template "${template}": "${rendered}" escapes ${root}`);
  }
  return target;
}

function serialise(dest: FilesystemDestination, ctx: DeliveryContext): string {
  const value = valueFor(ctx, dest.includeMetadata);
  if (dest.format === 'yaml') return formatYaml(value);
  if (dest.format === 'csv') return formatCsv(value);
  return formatJson(value);
}

/** The file mode asked for, never with execute (or setuid/sticky) bits: a result is data. */
function modeOf(permissions: string | number | undefined): number | undefined {
  if (permissions === undefined) return undefined;
  return (typeof permissions === 'number' ? permissions : parseInt(permissions, 8)) & 0o666;
}

/** Writes the result; returns the absolute path written. Throws on failure (the caller records it). */
export async function deliverToFile(
  dest: FilesystemDestination,
  ctx: DeliveryContext,
  opts: { baseDir?: string; roots?: readonly string[]; now?: Date } = {},
): Promise<{ path: string; bytes: number }> {
  const now = opts.now ?? new Date();
  const baseDir = opts.baseDir ?? opts.roots?.[0] ?? process.cwd();
  const roots = opts.roots ?? [baseDir];
  const target = renderPath(dest.path, pathVariables(ctx, now), baseDir);
  const data = serialise(dest, ctx);
  // Checked before creating folders and again after (a symlink swapped in meanwhile is caught).
  await assertUnderRoots(dirname(target), roots);
  await mkdir(dirname(target), { recursive: true });
  await assertUnderRoots(dirname(target), roots);
  const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, data, { flag: 'wx' });
    const mode = modeOf(dest.permissions);
    if (mode !== undefined) await chmod(temp, mode);
    if (dest.overwrite) {
      await rename(temp, target);
    } else {
      // link() fails with EEXIST instead of replacing: an atomic "create only".
      try {
        await link(temp, target);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new Error(`${target} already exists and overwrite is false`, { cause: err });
        }
        throw err;
      }
      await unlink(temp);
    }
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return { path: target, bytes: Buffer.byteLength(data) };
}
