// Recording sessions (`run-once --record DIR`, COMPAT.md §5): one folder per run holding what
// went in, what came out and every HTTP exchange, so the run can be replayed offline or turned
// into a test. Secrets are redacted like everywhere else (the run's record arrives redacted from
// runTask; the input is masked here), and session.json says so: replay treats REDACTED query
// values as matching any value, so a session replays without the secrets. Layout of `DIR/ratchet_session_<YYYYMMDD_HHMMSS>/`:
//   input.json      the input as given, writeOnly fields masked
//   output.json     the output (completed runs) | error.json  the TaskErrorInfo (failed runs)
//   logs.jsonl      one LogEntry per line          ratchet.log  the same, human-readable
//   requests.har    HAR 1.2, one entry per request session.json  task, executionId, status, times
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { exchangesToHar, harToExchanges } from '../http/har.ts';
import { maskWriteOnly } from '../redaction/index.ts';
import type { HttpExchange } from '../http/types.ts';
import type { TaskRunResult } from '../runtime/run-task.ts';
import type { LogEntry, TaskErrorInfo } from '../runtime/types.ts';
import type { TaskMetadata } from '../tasks/types.ts';

export const SESSION_PREFIX = 'ratchet_session_';

export interface SessionInfo {
  task: { name: string; version: string; uuid: string };
  executionId: string;
  status: TaskRunResult['status'];
  recordedAt: string;
  durationMs: number;
  /** What was left out of the recording (absent in recordings made before redaction). */
  redaction?: string;
}

export interface RecordedSession {
  path: string;
  /** `YYYYMMDD_HHMMSS` (plus `_N` when two runs shared a second), taken from the folder name. */
  stamp: string;
  input: unknown;
  output?: unknown;
  error?: TaskErrorInfo;
  logs: LogEntry[];
  exchanges: HttpExchange[];
  /** Absent in recordings made by the original Ratchet. */
  info?: SessionInfo;
}

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local time as `YYYYMMDD_HHMMSS`, the original's folder naming. */
export function sessionStamp(date: Date = new Date()): string {
  const day = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}`;
  return `${day}_${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
}

/** Creates the session folder; two runs in the same second get `_2`, `_3`… (mkdir is the lock). */
async function createSessionDir(outDir: string, stamp: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  for (let n = 1; ; n++) {
    const path = join(outDir, `${SESSION_PREFIX}${stamp}${n === 1 ? '' : `_${n}`}`);
    try {
      await mkdir(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

export const REDACTION_NOTE =
  'secrets redacted: sensitive headers, key/token query values and URL passwords read [REDACTED], writeOnly inputs ********, known secret values are scrubbed from bodies and logs; replay and recorded tests accept any value where [REDACTED] stands';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

function humanLog(meta: TaskMetadata, result: TaskRunResult, now: Date): string {
  const started = new Date(now.getTime() - result.durationMs).toISOString();
  // Logs and requests interleave by time, as they happened.
  const events: [string, string][] = result.logs.map((e) => [e.timestamp, `[${e.level}] ${e.message}`]);
  for (const x of result.http) {
    const outcome = x.response
      ? `${x.response.status} ${x.response.statusText}`
      : `${x.error?.type}: ${x.error?.message}`;
    events.push([
      x.startedAt,
      `[http] ${x.request.method} ${x.request.url} -> ${outcome} (${x.durationMs} ms)`,
    ]);
  }
  events.sort((a, b) => a[0].localeCompare(b[0]));
  const end =
    result.status === 'COMPLETED' ? 'completed' : `failed: ${result.error?.type}: ${result.error?.message}`;
  const lines = [
    `${started} [ratchet] run ${result.executionId} of ${meta.name} ${meta.version}`,
    ...events.map(([at, text]) => `${at} ${text}`),
    `${now.toISOString()} [ratchet] ${end} in ${Math.round(result.durationMs)} ms`,
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The client adds `User-Agent` when the task sets none; put it in the recording too, so the HAR
 * shows the headers that went on the wire rather than only the ones the task wrote.
 */
function withSentUserAgent(exchanges: HttpExchange[], userAgent: string | undefined): HttpExchange[] {
  if (userAgent === undefined) return exchanges;
  return exchanges.map((x) =>
    Object.keys(x.request.headers).some((k) => k.toLowerCase() === 'user-agent')
      ? x
      : { ...x, request: { ...x.request, headers: { ...x.request.headers, 'User-Agent': userAgent } } },
  );
}

export interface WriteSessionOptions {
  outDir: string;
  metadata: TaskMetadata;
  input: unknown;
  result: TaskRunResult;
  /** The task's input schema: fields it marks writeOnly / format password are masked in input.json. */
  inputSchema?: unknown;
  /** The User-Agent the HTTP client adds to requests without one. */
  userAgent?: string;
  now?: Date;
}

/** Writes one session folder and returns its absolute path. */
export async function writeSession(opts: WriteSessionOptions): Promise<string> {
  const now = opts.now ?? new Date();
  const path = await createSessionDir(resolve(opts.outDir), sessionStamp(now));
  const { metadata: meta, result } = opts;
  const info: SessionInfo = {
    task: { name: meta.name, version: meta.version, uuid: meta.uuid },
    executionId: result.executionId,
    status: result.status,
    recordedAt: now.toISOString(),
    durationMs: Math.round(result.durationMs * 1000) / 1000,
    redaction: REDACTION_NOTE,
  };
  const har = exchangesToHar(withSentUserAgent(result.http, opts.userAgent));
  har.log.comment = REDACTION_NOTE;
  const files: [string, string][] = [
    ['session.json', json(info)],
    ['input.json', json(maskWriteOnly(opts.inputSchema, opts.input ?? null).masked)],
    result.status === 'COMPLETED' ? ['output.json', json(result.output)] : ['error.json', json(result.error)],
    ['logs.jsonl', result.logs.map((e) => `${JSON.stringify(e)}\n`).join('')],
    ['ratchet.log', humanLog(meta, result, now)],
    ['requests.har', json(har)],
  ];
  await Promise.all(files.map(([name, text]) => writeFile(join(path, name), text)));
  return path;
}

async function readText(path: string, name: string): Promise<string | undefined> {
  try {
    return await readFile(join(path, name), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new RecordingError(`${join(path, name)}: cannot read (${code ?? String(err)})`);
  }
}

function parse(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RecordingError(`${file}: not valid JSON (${(err as Error).message})`);
  }
}

function parseLogs(text: string | undefined, file: string): LogEntry[] {
  if (text === undefined) return [];
  return text
    .split('\n')
    .map((line, i) => ({ line: line.trim(), n: i + 1 }))
    .filter(({ line }) => line !== '')
    .map(({ line, n }) => parse(line, `${file}:${n}`) as LogEntry);
}

/**
 * The session folder itself, or, given the folder `run-once --record DIR` wrote sessions into,
 * its newest session (the names' stamps sort by time): the brief's README records into
 * `./recordings` and replays `--recording=<dir>`.
 */
async function sessionFolder(path: string): Promise<string> {
  if ((await readText(path, 'input.json')) !== undefined) return path;
  const names = await readdir(path).catch(() => [] as string[]);
  const newest = names
    .filter((n) => n.startsWith(SESSION_PREFIX))
    .sort()
    .at(-1);
  return newest === undefined ? path : join(path, newest);
}

/**
 * Reads a session folder (or the newest session of a `--record` folder; `path` says which) back;
 * every problem names the file at fault.
 */
export async function readSession(sessionPath: string): Promise<RecordedSession> {
  const path = await sessionFolder(resolve(sessionPath));
  const where = (name: string): string => join(path, name);
  const inputText = await readText(path, 'input.json');
  if (inputText === undefined) {
    throw new RecordingError(`${path}: not a recording session (no input.json)`);
  }
  const input = parse(inputText, where('input.json'));
  const outputText = await readText(path, 'output.json');
  const errorText = await readText(path, 'error.json');
  if (outputText === undefined && errorText === undefined) {
    throw new RecordingError(`${path}: the recording has neither output.json nor error.json`);
  }
  const harText = await readText(path, 'requests.har');
  if (harText === undefined) throw new RecordingError(`${where('requests.har')}: missing`);
  let exchanges: HttpExchange[];
  try {
    exchanges = harToExchanges(parse(harText, where('requests.har')));
  } catch (err) {
    if (err instanceof RecordingError) throw err;
    throw new RecordingError(`${where('requests.har')}: ${(err as Error).message}`);
  }
  const infoText = await readText(path, 'session.json');
  const session: RecordedSession = {
    path,
    stamp: basename(path).startsWith(SESSION_PREFIX)
      ? basename(path).slice(SESSION_PREFIX.length)
      : basename(path),
    input,
    logs: parseLogs(await readText(path, 'logs.jsonl'), where('logs.jsonl')),
    exchanges,
  };
  if (outputText !== undefined) session.output = parse(outputText, where('output.json'));
  else session.error = parse(errorText ?? 'null', where('error.json')) as TaskErrorInfo;
  if (infoText !== undefined) session.info = parse(infoText, where('session.json')) as SessionInfo;
  return session;
}
