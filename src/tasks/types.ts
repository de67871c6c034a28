// The task package: what a task folder (or zip, or stored version) holds once loaded.

export type JsonSchema = Record<string, unknown> | boolean;

export interface TaskMetadata {
  uuid: string;
  name: string;
  label: string;
  version: string;
  description?: string;
  author?: string;
  tags: string[];
  /** Wall-clock limit in milliseconds (`timeout` in metadata.json). */
  timeoutMs?: number;
  /** Parsed `memory_limit` ("128MB") in bytes. */
  memoryLimitBytes?: number;
  /** `max_concurrency`: how many executions of this task may run at once. */
  maxConcurrency?: number;
  /** `max_retries`: per-task retry override for queued jobs. */
  maxRetries?: number;
  /** `test_match`: how this task's test cases compare expected_output when a case sets no `match`. */
  testMatch?: 'exact' | 'partial';
  /** metadata.json as written, unknown keys kept. */
  raw: Record<string, unknown>;
}

export interface TaskTestFile {
  /** File name inside tests/, e.g. `test-001.json`. */
  name: string;
  /** The file's text as written. */
  text: string;
}

export interface TaskPackage {
  /** Where it was loaded from: a folder, a zip file, or a stored version. */
  origin: { kind: 'dir' | 'zip' | 'store'; path?: string };
  metadata: TaskMetadata;
  code: string;
  inputSchema?: JsonSchema;
  outputSchema?: JsonSchema;
  tests: TaskTestFile[];
  /** sha256 of code, schemas and metadata: decides whether a reload is a new version. */
  checksum: string;
  /** Warnings from loading a folder or zip, outside tests/ (unknown metadata keys and the like). */
  warnings?: Problem[];
}

/** One thing wrong with a task, pinned to a file and, where it applies, a JSON path or line:column. */
export interface Problem {
  severity: 'error' | 'warning';
  file: string;
  message: string;
  /** JSON path inside the file, e.g. `/properties/name/type` or `$.version`. */
  path?: string;
  line?: number;
  column?: number;
}

export class TaskLoadError extends Error {
  readonly problems: Problem[];
  constructor(problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'TaskLoadError';
    this.problems = problems;
  }
}

export function formatProblem(p: Problem): string {
  const where = p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : '';
  const path = p.path ? ` at ${p.path}` : '';
  return `${p.file}${where}${path}: ${p.message}`;
}
