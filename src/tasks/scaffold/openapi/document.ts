// Reading an OpenAPI document: JSON or YAML text in, a checked 3.0/3.1 document out. Every
// failure is an OpenApiError naming the source and, where the parser knows them, line and column.
import { LineCounter, parseDocument } from 'yaml';
import { tryParseJson } from '../../json-file.ts';
import { ScaffoldError } from '../generate.ts';

export class OpenApiError extends ScaffoldError {
  constructor(message: string) {
    super(message);
    this.name = 'OpenApiError';
  }
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OpenApiDocument {
  /** Where the text came from (a file path or URL), for messages. */
  source: string;
  /** "3.0" or "3.1": 3.0 schemas are an OpenAPI dialect, 3.1 schemas are JSON Schema 2020-12. */
  dialect: '3.0' | '3.1';
  /** The `openapi` field as written, e.g. "3.1.0". */
  version: string;
  root: JsonObject;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseText(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') throw new OpenApiError(`${source}: the document is empty`);
  // JSON is valid YAML, but the JSON parser's messages are the clearer ones for JSON text.
  if (/^\s*[{[]/.test(body)) {
    const parsed = tryParseJson(body, source);
    if (parsed.ok) return parsed.value;
    const { line, column, message } = parsed.problem;
    throw new OpenApiError(`${source}${line !== undefined ? `:${line}:${column ?? 1}` : ''}: ${message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const { line, col } = lines.linePos(first.pos[0]);
    throw new OpenApiError(`${source}:${line}:${col}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    // yaml refuses aliases that expand too far (a "billion laughs" document) from toJS.
    throw new OpenApiError(`${source}: invalid YAML: ${(err as Error).message}`);
  }
}

/** Parses and checks the top of an OpenAPI 3.0 or 3.1 document (paths are read per operation). */
export function parseOpenApi(text: string, source: string): OpenApiDocument {
  const root = parseText(text, source);
  if (!isObject(root)) {
    throw new OpenApiError(`${source}: not an OpenAPI document (expected an object with an "openapi" field)`);
  }
  if (typeof root.swagger === 'string') {
    throw new OpenApiError(
      `${source}: this is a Swagger ${root.swagger} document; only OpenAPI 3.0 and 3.1 are read (convert it, e.g. with swagger2openapi)`,
    );
  }
  // YAML reads an unquoted `openapi: 3.1` as a number.
  const version = typeof root.openapi === 'number' ? String(root.openapi) : root.openapi;
  if (typeof version !== 'string') {
    throw new OpenApiError(
      `${source}: not an OpenAPI document: it has no "openapi" version field (found keys: ${Object.keys(root).slice(0, 8).join(', ') || 'none'})`,
    );
  }
  const dialect = version.startsWith('3.0') ? '3.0' : version.startsWith('3.1') ? '3.1' : undefined;
  if (dialect === undefined) {
    throw new OpenApiError(`${source}: OpenAPI ${version} is not supported; only 3.0.x and 3.1.x are read`);
  }
  if (!isObject(root.paths)) {
    throw new OpenApiError(`${source}: the document has no "paths" object, so it has no operations`);
  }
  return { source, dialect, version, root };
}
