// All checks that loading makes, run over an in-memory file map so folders, zips, the store and
// MCP-written tasks go through exactly the same rules. Collects every problem instead of stopping
// at the first, because a user fixing a task wants the whole list at once.
import { METADATA_KEYS, unknownKeyWarnings } from './unknown-keys.ts';
import { createHash } from 'node:crypto';
import type { JsonSchema, Problem, TaskMetadata, TaskPackage, TaskTestFile } from './types.ts';
import { locateProblems, tryParseJson } from './json-file.ts';
import { parseMetadata } from './metadata.ts';
import { checkMainJs } from './code-check.ts';
import type { CodeShape } from './code-check.ts';
import { compileSchema } from './schema.ts';
import type { SchemaValidator } from './schema.ts';
import { pointerToPath } from './json-path.ts';
import { TaskLoadError } from './types.ts';

export interface InspectedSchema {
  schema: JsonSchema;
  validator?: SchemaValidator;
}

export interface InspectedTest extends TaskTestFile {
  /** The parsed test case when it is a JSON object. */
  value?: Record<string, unknown>;
}

export interface TaskInspection {
  origin: TaskPackage['origin'];
  problems: Problem[];
  /** Nothing could be read (no such folder, unsafe archive); the problems say why. */
  fatal?: boolean;
  code?: string;
  metadata?: TaskMetadata;
  /** True when metadata.json has no `uuid` and one was derived from the name. */
  uuidDerived: boolean;
  codeShape?: CodeShape;
  input?: InspectedSchema;
  output?: InspectedSchema;
  tests: InspectedTest[];
  /** Present only when no problem is an error. */
  pkg?: TaskPackage;
}

export const TESTS_DIR = 'tests/';

export function inspectTaskFiles(
  files: Record<string, string>,
  origin: TaskPackage['origin'],
  earlier: Problem[] = [],
): TaskInspection {
  const problems: Problem[] = [...earlier];
  const already = (file: string): boolean => earlier.some((p) => p.file === file && p.severity === 'error');
  const result: TaskInspection = { origin, problems, uuidDerived: false, tests: [] };

  const metaText = files['metadata.json'];
  if (metaText !== undefined) {
    const parsed = tryParseJson(metaText, 'metadata.json');
    if (!parsed.ok) {
      problems.push(parsed.problem);
    } else {
      const { metadata, problems: metaProblems } = parseMetadata(parsed.value, 'metadata.json');
      const unknown = unknownKeyWarnings(metadata.raw, METADATA_KEYS, 'metadata.json');
      problems.push(...locateProblems(metaText, [...metaProblems, ...unknown]));
      result.metadata = metadata;
      result.uuidDerived = metadata.raw.uuid === undefined;
    }
  } else if (!already('metadata.json')) {
    problems.push({
      severity: 'error',
      file: 'metadata.json',
      message: 'required file is missing (it names the task: "name" or "label", and "version")',
    });
  }

  const code = files['main.js'];
  if (code !== undefined) {
    result.code = code;
    const check = checkMainJs(code);
    problems.push(...check.problems);
    if (check.shape) result.codeShape = check.shape;
  } else if (!already('main.js')) {
    problems.push({
      severity: 'error',
      file: 'main.js',
      message: 'required file is missing (the task code, e.g. (function(input, context) { ... }))',
    });
  }

  for (const kind of ['input', 'output'] as const) {
    const file = `${kind}.schema.json`;
    const text = files[file];
    if (text === undefined) continue;
    const inspected = inspectSchema(text, file, problems);
    if (inspected) result[kind] = inspected;
  }

  const testNames = Object.keys(files)
    .filter((f) => f.startsWith(TESTS_DIR) && f.endsWith('.json') && !f.slice(TESTS_DIR.length).includes('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const path of testNames) {
    const text = files[path]!;
    const test: InspectedTest = { name: path.slice(TESTS_DIR.length), text };
    const parsed = tryParseJson(text, path);
    if (!parsed.ok) {
      problems.push(parsed.problem);
    } else if (parsed.value === null || typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
      const got = Array.isArray(parsed.value) ? 'an array' : JSON.stringify(parsed.value);
      problems.push(
        ...locateProblems(text, [
          {
            severity: 'error',
            file: path,
            path: '$',
            message: `a test case must be a JSON object (got ${got})`,
          },
        ]),
      );
    } else {
      test.value = parsed.value as Record<string, unknown>;
    }
    result.tests.push(test);
  }

  if (!problems.some((p) => p.severity === 'error') && result.metadata && code !== undefined) {
    result.pkg = {
      origin,
      metadata: result.metadata,
      code,
      tests: result.tests.map(({ name, text }) => ({ name, text })),
      checksum: taskChecksum(files),
    };
    // Test files' warnings travel with their cases; the rest (a misspelt metadata key, a schema
    // keyword Ajv ignores) would otherwise be seen only by `validate`.
    const warnings = problems.filter((p) => p.severity === 'warning' && !p.file.startsWith(TESTS_DIR));
    if (warnings.length > 0) result.pkg.warnings = warnings;
    if (result.input) result.pkg.inputSchema = result.input.schema;
    if (result.output) result.pkg.outputSchema = result.output.schema;
  }
  return result;
}

function inspectSchema(text: string, file: string, problems: Problem[]): InspectedSchema | undefined {
  const parsed = tryParseJson(text, file);
  if (!parsed.ok) {
    problems.push(parsed.problem);
    return undefined;
  }
  const schema = parsed.value as JsonSchema;
  try {
    const validator = compileSchema(schema, file);
    for (const warning of validator.warnings) problems.push({ severity: 'warning', file, message: warning });
    return { schema, validator };
  } catch (e) {
    if (!(e instanceof TaskLoadError)) throw e;
    problems.push(
      ...locateProblems(text, e.problems, (pointer) =>
        pointer === '/' ? '$' : pointerToPath(pointer, schema),
      ),
    );
    return { schema };
  }
}

/** sha256 over metadata, code and schemas, each framed by name and length so parts cannot blur. */
export function taskChecksum(files: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const name of ['metadata.json', 'main.js', 'input.schema.json', 'output.schema.json']) {
    const text = files[name];
    if (text === undefined) {
      hash.update(`${name}\0-\0`);
    } else {
      hash.update(`${name}\0${Buffer.byteLength(text)}\0`).update(text);
    }
  }
  return hash.digest('hex');
}

/** Throws one TaskLoadError with every error (warnings included for context) or returns the package. */
export function packageOrThrow(inspection: TaskInspection): TaskPackage {
  if (inspection.pkg) return inspection.pkg;
  throw new TaskLoadError(inspection.problems);
}
