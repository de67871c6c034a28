// loadConfig: file (YAML or JSON) → environment overrides → schema validation → absolute paths.
// Every problem found is collected and thrown at once as a ConfigError, so a user fixes a file in one
// round instead of one error per run.
import { readFile } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import { type ConfigIssue, ConfigError, fromZodIssues } from './errors.ts';
import { collectEnvOverrides, setAt } from './env.ts';
import { oldNamesNotice, renameOldKeys } from './old-names.ts';
import { resolveConfigPaths } from './paths.ts';
import { ConfigSchema, type RatchetConfig } from './schema.ts';

export interface LoadOptions {
  /** Configuration file; relative to `cwd`. Without it, defaults + environment only. */
  file?: string;
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to process.cwd(). */
  cwd?: string;
  /** Where the one notice about old key names goes; default: a line on stderr. */
  onNotice?: (line: string) => void;
}

/** The source name used in issues for values nobody set. */
export const DEFAULTS_SOURCE = 'defaults';

interface ParsedFile {
  data: unknown;
  /** Finds the line/column of a key path, when the file could be read as YAML. */
  locate: (path: readonly PropertyKey[]) => { line: number; column: number } | undefined;
}

export async function loadConfig(opts: LoadOptions = {}): Promise<RatchetConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const file = opts.file;
  const parsed = file === undefined ? undefined : await readConfigFile(file, cwd);

  let raw: unknown = parsed?.data ?? {};
  const issues: ConfigIssue[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({
      path: '',
      message: `the file must be a mapping of sections such as "server:" (got ${Array.isArray(raw) ? 'a list' : typeof raw})`,
      source: file!,
    });
    raw = {};
  }
  // The brief's old key names (mcp_api, server.host, …) are read as today's, with one notice.
  const renamed = renameOldKeys(raw as Record<string, unknown>);
  const input = renamed.data;
  for (const c of renamed.conflicts)
    issues.push({ path: c.path, message: c.message, source: file!, ...parsed?.locate(c.path.split('.')) });
  if (renamed.renames.length > 0 && renamed.conflicts.length === 0) {
    const notice = oldNamesNotice(file!, renamed.renames);
    (opts.onNotice ?? ((line: string) => void process.stderr.write(`${line}\n`)))(notice);
  }

  const env_ = collectEnvOverrides(env, ConfigSchema);
  issues.push(...env_.issues);
  // The variable that last set a path (or one of its parents) is the source of any problem there.
  const envSources = new Map<string, string>();
  for (const o of env_.overrides) {
    setAt(input, o.path, o.value);
    envSources.set(o.path.join('.'), o.variable);
  }
  const envSourceOf = (path: readonly PropertyKey[]): string | undefined => {
    for (let n = path.length; n > 0; n--) {
      const variable = envSources.get(path.slice(0, n).map(String).join('.'));
      if (variable) return variable;
    }
    return undefined;
  };

  const result = ConfigSchema.safeParse(input);
  if (!result.success) {
    const sourceOf = (path: readonly PropertyKey[]) => {
      const variable = envSourceOf(path);
      if (variable) return { source: variable };
      if (file === undefined) return { source: DEFAULTS_SOURCE };
      return { source: file, ...parsed?.locate(renamed.origin(path)) };
    };
    const found = fromZodIssues(result.error.issues, ConfigSchema, input, sourceOf);
    // Read top to bottom: file problems in line order, after problems with the environment.
    found.sort(
      (a, b) => Number(a.source === file) - Number(b.source === file) || (a.line ?? 0) - (b.line ?? 0),
    );
    issues.push(...found);
  }
  if (issues.length > 0 || !result.success) throw new ConfigError(issues);

  const fileDir = file === undefined ? cwd : dirname(resolve(cwd, file));
  const baseFor = (path: string[]): string => {
    if (file === undefined || envSourceOf(path)) return cwd;
    return valueIn(input, path) === undefined ? cwd : fileDir;
  };
  return resolveConfigPaths(result.data, baseFor);
}

function valueIn(root: unknown, path: readonly string[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** Reads and parses a config file: `.json` strictly as JSON, anything else as YAML (YAML ⊃ JSON). */
export async function readConfigFile(file: string, cwd: string): Promise<ParsedFile> {
  const abs = resolve(cwd, file);
  let text: string;
  try {
    text = await readFile(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `file not found: ${abs}`
        : code === 'EISDIR'
          ? `is a directory, not a file: ${abs}`
          : `cannot read ${abs}: ${(err as Error).message}`;
    throw new ConfigError([{ path: '', message: why, source: file }]);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = (path: readonly PropertyKey[]) =>
    doc.errors.length ? undefined : locateIn(doc, lineCounter, path);

  if (extname(abs).toLowerCase() === '.json') {
    try {
      return { data: JSON.parse(text) as unknown, locate };
    } catch (err) {
      const message = (err as Error).message;
      const at = /position (\d+)/.exec(message);
      const pos = at ? lineCounter.linePos(Number(at[1])) : undefined;
      // The YAML pass above fed the line counter, so a JSON position maps to line:column.
      throw new ConfigError([
        { path: '', message: `invalid JSON: ${message}`, source: file, line: pos?.line, column: pos?.col },
      ]);
    }
  }
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return {
          path: '',
          message: `invalid YAML: ${e.message.split('\n')[0]}`,
          source: file,
          line: pos.line,
          column: pos.col,
        };
      }),
    );
  }
  try {
    // yaml refuses documents whose aliases expand past its limit (a "billion laughs" bomb) by
    // throwing from toJS; that is the file's fault, so it becomes a ConfigError naming the file.
    return { data: doc.toJS() as unknown, locate };
  } catch (err) {
    throw new ConfigError([
      {
        path: '',
        message: `invalid YAML: ${(err as Error).message} (aliases expand too far; write the values out)`,
        source: file,
      },
    ]);
  }
}

/** Line/column of the key (for the last path segment) or of the value at `path`. */
function locateIn(doc: Document, lines: LineCounter, path: readonly PropertyKey[]) {
  if (path.length === 0) return undefined;
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    return node?.range ? toPos(lines, node.range[0]) : undefined;
  }
  const last = String(path[path.length - 1]);
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === last);
  const keyRange = isScalar(pair?.key) ? pair.key.range : undefined;
  return keyRange ? toPos(lines, keyRange[0]) : parent.range ? toPos(lines, parent.range[0]) : undefined;
}

function toPos(lines: LineCounter, offset: number) {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}
