// `.runcept.toml`: a project's processes, read exactly as Runcept writes it ([project] and
// [[process]] tables), plus the keys a pm2 / compose user expects (stop_signal, stop_timeout,
// restart_backoff, max_restarts within restart_window, ready_timeout, health_check_timeout and
// health_check_threshold). Every problem is reported with file:line:column and the key, unknown
// keys get the nearest known one, and depends_on must name processes of the file without cycles.
import { readFile } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { closest } from '../config/errors.ts';
import { parseDuration } from '../config/duration.ts';
import { keyPositions, type KeyPositions, type TableRef } from './toml-positions.ts';
import { dependencyOrder } from './dependencies.ts';

export const PROJECT_FILE = '.runcept.toml';

export type HealthCheck =
  | { kind: 'http'; url: string }
  | { kind: 'tcp'; host: string; port: number }
  | { kind: 'command'; command: string }
  // In-process only (never from a project file): `ratchet serve` judges its worker processes by
  // their heartbeats in the store.
  | { kind: 'probe'; probe: () => Promise<{ ok: boolean; detail: string }> };

export interface ProcessSpec {
  name: string;
  command: string;
  /** Absolute. */
  workingDir: string;
  env: Record<string, string>;
  /** Restart after a failure: a non-zero exit, a signal, or failing health checks. */
  autoRestart: boolean;
  /** Restart after a clean exit (code 0) too (`auto_restart = "always"`); otherwise it is STOPPED. */
  restartAlways: boolean;
  healthCheck: HealthCheck | null;
  healthCheckIntervalMs: number;
  healthCheckTimeoutMs: number;
  /** Consecutive failed checks that make a running process UNHEALTHY. */
  healthCheckThreshold: number;
  dependsOn: string[];
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  /** First restart delay; doubles per consecutive crash up to restartBackoffMaxMs. */
  restartBackoffMs: number;
  restartBackoffMaxMs: number;
  maxRestarts: number;
  restartWindowMs: number;
  /** How long dependents wait for this process to be up (and healthy) before activation fails. */
  readyTimeoutMs: number;
}

export interface ProjectConfig {
  /** Absolute path of the .runcept.toml. */
  file: string;
  /** The folder holding the file: logs go to <root>/.runcept/logs. */
  root: string;
  name: string;
  description: string;
  inactivityTimeoutMs: number | null;
  workingDir: string;
  /** In dependency order. */
  processes: ProcessSpec[];
}

export interface ProjectIssue {
  line: number;
  column: number;
  /** Dotted key, e.g. `process[1].health_check_interval`. */
  key: string;
  message: string;
}

export class ProjectFileError extends Error {
  readonly file: string;
  readonly issues: ProjectIssue[];
  constructor(file: string, issues: ProjectIssue[]) {
    super(
      issues.map((i) => `${file}:${i.line}:${i.column}: ${i.key ? `${i.key}: ` : ''}${i.message}`).join('\n'),
    );
    this.name = 'ProjectFileError';
    this.file = file;
    this.issues = issues;
  }
}

const PROJECT_KEYS = ['name', 'description', 'inactivity_timeout', 'working_dir'];
const PROCESS_KEYS = [
  'name',
  'command',
  'working_dir',
  'env',
  'auto_restart',
  'health_check',
  'health_check_interval',
  'health_check_timeout',
  'health_check_threshold',
  'depends_on',
  'stop_signal',
  'stop_timeout',
  'restart_backoff',
  'restart_backoff_max',
  'max_restarts',
  'restart_window',
  'ready_timeout',
];
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The project file for `path` (a .runcept.toml or the folder holding one). */
export function projectFilePath(path: string): string {
  const abs = resolve(path);
  return abs.endsWith('.toml') ? abs : join(abs, PROJECT_FILE);
}

export async function loadProject(path: string): Promise<ProjectConfig> {
  const file = projectFilePath(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `no ${PROJECT_FILE} here` : (err as Error).message;
    throw new ProjectFileError(file, [{ line: 1, column: 1, key: '', message: why }]);
  }
  return parseProject(text, file);
}

export function parseProject(text: string, file: string): ProjectConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text);
  } catch (err) {
    if (err instanceof TomlError) {
      const message = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new ProjectFileError(file, [{ line: err.line, column: err.column, key: '', message }]);
    }
    throw err;
  }
  return new Reader(file, keyPositions(text)).project(doc);
}

class Reader {
  readonly issues: ProjectIssue[] = [];
  readonly file: string;
  readonly pos: KeyPositions;
  constructor(file: string, pos: KeyPositions) {
    this.file = file;
    this.pos = pos;
  }

  fail(table: TableRef, key: string, message: string): void {
    const at = key ? this.pos.key(table, key) : this.pos.table(table);
    const label = table.startsWith('process#') ? `process[${table.slice(8)}]` : table;
    this.issues.push({ ...at, key: key ? `${label}.${key}` : label, message });
  }

  unknownKeys(table: TableRef, obj: Record<string, unknown>, known: string[]): void {
    for (const key of Object.keys(obj)) {
      if (known.includes(key)) continue;
      const near = closest(key, known);
      this.fail(
        table,
        key,
        `unknown key; ${near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`}`,
      );
    }
  }

  str(t: TableRef, o: Record<string, unknown>, key: string, fallback?: string): string {
    const v = o[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.fail(t, key, v === undefined ? 'is required' : `expected a non-empty string, got ${show(v)}`);
    return fallback ?? '';
  }

  duration(t: TableRef, o: Record<string, unknown>, key: string, fallback: number): number {
    const v = o[key];
    if (v === undefined) return fallback;
    // Runcept writes durations as strings ("30s"); a bare integer is taken as seconds.
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.round(v * 1000);
    if (typeof v === 'string') {
      try {
        return parseDuration(v);
      } catch (err) {
        this.fail(t, key, (err as Error).message);
        return fallback;
      }
    }
    this.fail(t, key, `expected a duration such as "500ms", "30s" or "5m", got ${show(v)}`);
    return fallback;
  }

  int(t: TableRef, o: Record<string, unknown>, key: string, fallback: number, min: number): number {
    const v = o[key];
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v;
    this.fail(t, key, `expected a whole number ≥ ${min}, got ${show(v)}`);
    return fallback;
  }

  project(doc: Record<string, unknown>): ProjectConfig {
    this.unknownKeys('', doc, ['project', 'process']);
    const p = isTable(doc['project']) ? doc['project'] : {};
    if (!isTable(doc['project'])) this.fail('project', '', 'a [project] table with a name is required');
    this.unknownKeys('project', p, PROJECT_KEYS);
    const root = dirname(this.file);
    const name = this.str('project', p, 'name', 'project');
    if (name && !NAME.test(name)) this.fail('project', 'name', 'use letters, digits, ".", "_" and "-" only');
    const inactivity =
      p['inactivity_timeout'] === undefined ? null : this.duration('project', p, 'inactivity_timeout', 0);
    const workingDir = resolve(root, this.str('project', p, 'working_dir', '.'));
    const list = doc['process'] ?? [];
    if (!Array.isArray(list)) this.fail('', 'process', 'write processes as [[process]] tables');
    const processes = (Array.isArray(list) ? list : []).map((raw: unknown, i) =>
      this.process(`process#${i}`, raw, workingDir),
    );
    const seen = new Set<string>();
    processes.forEach((proc, i) => {
      if (seen.has(proc.name)) this.fail(`process#${i}`, 'name', `a second process is named "${proc.name}"`);
      seen.add(proc.name);
    });
    if (processes.length === 0 && this.issues.length === 0)
      this.fail('', '', 'no [[process]] tables: nothing to run');
    let ordered = processes;
    if (this.issues.length === 0) {
      const result = dependencyOrder(processes);
      if ('error' in result) {
        const i = processes.findIndex((q) => q.name === result.process);
        this.fail(`process#${i}`, 'depends_on', result.error);
      } else ordered = result.order;
    }
    if (this.issues.length > 0) throw new ProjectFileError(this.file, this.issues);
    const description = typeof p['description'] === 'string' ? p['description'] : '';
    return {
      file: this.file,
      root,
      name,
      description,
      inactivityTimeoutMs: inactivity,
      workingDir,
      processes: ordered,
    };
  }

  process(t: TableRef, raw: unknown, base: string): ProcessSpec {
    const o = isTable(raw) ? raw : {};
    this.unknownKeys(t, o, PROCESS_KEYS);
    const name = this.str(t, o, 'name');
    if (name && !NAME.test(name))
      this.fail(t, 'name', 'use letters, digits, ".", "_" and "-" only (at most 64)');
    const env: Record<string, string> = {};
    if (o['env'] !== undefined) {
      if (!isTable(o['env']))
        this.fail(t, 'env', `expected a table such as { PORT = "8000" }, got ${show(o['env'])}`);
      else
        for (const [k, v] of Object.entries(o['env'])) {
          if (['string', 'number', 'boolean'].includes(typeof v)) env[k] = String(v);
          else this.fail(t, 'env', `${k}: expected a string, number or boolean, got ${show(v)}`);
        }
    }
    const deps = o['depends_on'] ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string'))
      this.fail(t, 'depends_on', 'expected a list of process names');
    const autoRestart = o['auto_restart'] ?? false;
    if (typeof autoRestart !== 'boolean' && autoRestart !== 'always')
      this.fail(t, 'auto_restart', `expected true, false or "always", got ${show(autoRestart)}`);
    const stopSignal = this.str(t, o, 'stop_signal', 'SIGTERM').toUpperCase();
    const signal = stopSignal.startsWith('SIG') ? stopSignal : `SIG${stopSignal}`;
    if (!(signal in osConstants.signals)) this.fail(t, 'stop_signal', `unknown signal "${stopSignal}"`);
    return {
      name,
      command: this.str(t, o, 'command'),
      workingDir: resolve(base, this.str(t, o, 'working_dir', '.')),
      env,
      autoRestart: autoRestart === true || autoRestart === 'always',
      restartAlways: autoRestart === 'always',
      healthCheck: this.healthCheck(t, o),
      healthCheckIntervalMs: this.duration(t, o, 'health_check_interval', 30_000),
      healthCheckTimeoutMs: this.duration(t, o, 'health_check_timeout', 5_000),
      healthCheckThreshold: this.int(t, o, 'health_check_threshold', 3, 1),
      dependsOn: Array.isArray(deps) ? deps.map(String) : [],
      stopSignal: signal as NodeJS.Signals,
      stopTimeoutMs: this.duration(t, o, 'stop_timeout', 10_000),
      restartBackoffMs: this.duration(t, o, 'restart_backoff', 1_000),
      restartBackoffMaxMs: this.duration(t, o, 'restart_backoff_max', 30_000),
      maxRestarts: this.int(t, o, 'max_restarts', 5, 0),
      restartWindowMs: this.duration(t, o, 'restart_window', 60_000),
      readyTimeoutMs: this.duration(t, o, 'ready_timeout', 60_000),
    };
  }

  healthCheck(t: TableRef, o: Record<string, unknown>): HealthCheck | null {
    const v = o['health_check'];
    if (v === undefined) return null;
    if (typeof v !== 'string' || v.trim() === '') {
      this.fail(t, 'health_check', `expected "http://…", "tcp://host:port" or a command, got ${show(v)}`);
      return null;
    }
    if (/^https?:\/\//i.test(v)) {
      try {
        return { kind: 'http', url: new URL(v).href };
      } catch {
        this.fail(t, 'health_check', `"${v}" is not a valid URL`);
        return null;
      }
    }
    const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/i.exec(v);
    if (tcp) return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
    if (/^tcp:/i.test(v)) {
      this.fail(t, 'health_check', `"${v}": write a TCP check as tcp://host:port`);
      return null;
    }
    return { kind: 'command', command: v };
  }
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function show(v: unknown): string {
  return Array.isArray(v) ? 'a list' : isTable(v) ? 'a table' : JSON.stringify(v);
}
