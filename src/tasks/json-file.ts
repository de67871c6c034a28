// Reading and parsing the JSON files of a task, with problems that point at file, line and column.
import { readFile, stat } from 'node:fs/promises';
import { TaskLoadError } from './types.ts';
import type { Problem } from './types.ts';
import { findJsonError, jsonValueOffsets, lineColumnAt } from './json-scan.ts';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; problem: Problem };

/** Editors on Windows may save a byte-order mark, which JSON.parse rejects although the JSON is fine. */
function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Parses JSON text; never throws. A failure carries line and column of the first error. */
export function tryParseJson(text: string, file: string): JsonParseResult {
  const body = stripBom(text);
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch (e) {
    if (body.trim() === '') {
      return { ok: false, problem: { severity: 'error', file, message: 'file is empty (expected JSON)' } };
    }
    const found = findJsonError(body);
    const { line, column } = lineColumnAt(body, found?.offset ?? 0);
    const message = `invalid JSON: ${found?.message ?? (e as Error).message}`;
    return { ok: false, problem: { severity: 'error', file, line, column, message } };
  }
}

/** Parses JSON text or throws a TaskLoadError naming file, line and column. */
export function parseJsonText(text: string, file: string): unknown {
  const result = tryParseJson(text, file);
  if (!result.ok) throw new TaskLoadError([result.problem]);
  return result.value;
}

/**
 * Adds line and column to problems whose `path` is a readable JSON path inside `text`, so a
 * wrong `$.version` points at the line where the version is written. Paths that are not in the
 * text (a missing key) fall back to their nearest present ancestor.
 */
export function locateProblems(
  text: string,
  problems: Problem[],
  toReadablePath: (path: string) => string = (path) => path,
): Problem[] {
  if (problems.every((p) => p.path === undefined || p.line !== undefined)) return problems;
  const offsets = jsonValueOffsets(stripBom(text));
  return problems.map((p) => {
    if (p.path === undefined || p.line !== undefined) return p;
    let path: string | undefined = toReadablePath(p.path);
    while (path !== undefined) {
      const offset = offsets.get(path);
      if (offset !== undefined) return { ...p, ...lineColumnAt(stripBom(text), offset) };
      path = parentPath(path);
    }
    return p;
  });
}

function parentPath(path: string): string | undefined {
  if (path === '$') return undefined;
  const m = /^(.*?)(\.[A-Za-z_$][A-Za-z0-9_$]*|\[(?:\d+|"(?:[^"\\]|\\.)*")\])$/.exec(path);
  return m ? m[1] : undefined;
}

export type TextFileResult = { ok: true; text: string } | { ok: false; problem: Problem; missing?: boolean };

/** Reads a UTF-8 file; "file not found" and "not a file" become problems named after `display`. */
export async function readTextFile(path: string, display: string): Promise<TextFileResult> {
  try {
    const info = await stat(path);
    if (!info.isFile()) {
      const what = info.isDirectory() ? 'a folder' : 'not a regular file';
      return {
        ok: false,
        problem: { severity: 'error', file: display, message: `not a file (${path} is ${what})` },
      };
    }
    return { ok: true, text: await readFile(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' ? `file not found: ${path}` : `cannot read ${path}: ${(e as Error).message}`;
    return { ok: false, problem: { severity: 'error', file: display, message }, missing: code === 'ENOENT' };
  }
}

export type JsonFileResult = { ok: true; text: string; value: unknown } | { ok: false; problem: Problem };

/** Reads and parses a JSON file, reporting missing files, folders and bad JSON as problems. */
export async function readJsonFile(path: string, display: string): Promise<JsonFileResult> {
  const read = await readTextFile(path, display);
  if (!read.ok) return { ok: false, problem: read.problem };
  const parsed = tryParseJson(read.text, display);
  if (!parsed.ok) return parsed;
  return { ok: true, text: read.text, value: parsed.value };
}
