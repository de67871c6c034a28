// `ratchet generate task from-openapi` and its MCP tool: one operation of an OpenAPI 3.0/3.1
// document becomes a task folder (metadata.json, main.js calling the endpoint with fetch, input
// and output schemas, and with autoTestCases the tests/ that mock the endpoint from the
// document's examples). Everything is rendered in memory; writing is generate.ts's writer.
import { resolve } from 'node:path';
import semver from 'semver';
import { ScaffoldError, renderTemplate, slugify, writeTaskFolder } from '../generate.ts';
import type { TaskTemplate, TemplateVars } from '../types.ts';
import { renderMainJs } from './code.ts';
import { isObject, parseOpenApi } from './document.ts';
import { operationSchemas, readOperation } from './operation.ts';
import { buildTestCases } from './test-cases.ts';

export { OpenApiError } from './document.ts';
export { operationIds } from './operation.ts';

export interface OpenApiSpecText {
  text: string;
  /** File path or URL, for messages. */
  source: string;
  /** Set when the document was fetched over HTTP: relative server URLs resolve against it. */
  url?: string;
}

export interface OpenApiTaskRequest {
  spec: OpenApiSpecText;
  operationId: string;
  autoTestCases?: boolean;
  version?: string;
  author?: string;
  tags?: string[];
  now?: Date;
}

export interface OpenApiTask {
  /** metadata.json name: the operation id in kebab case. */
  name: string;
  operationId: string;
  method: string;
  path: string;
  metadata: Record<string, unknown>;
  /** Path inside the task folder → content, metadata.json first. */
  files: Record<string, string>;
  /** Parts of the operation the task does not cover. */
  skipped: string[];
  /** How the test cases were made, and cases left out. */
  notes: string[];
}

/** `getUserById` → `get-user-by-id`. */
export function taskNameOf(operationId: string): string {
  return slugify(
    operationId.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2'),
  );
}

export function renderOpenApiTask(req: OpenApiTaskRequest): OpenApiTask {
  const doc = parseOpenApi(req.spec.text, req.spec.source);
  const model = readOperation(doc, req.operationId, req.spec.url);
  const name = taskNameOf(model.operationId);
  if (name === '') {
    throw new ScaffoldError(
      `cannot make a task name from the operationId "${model.operationId}" (no letters or digits)`,
    );
  }
  const version = req.version ?? '1.0.0';
  if (semver.valid(version) === null) {
    throw new ScaffoldError(`the version must be a semantic version such as 1.0.0 (got "${version}")`);
  }
  const schemas = operationSchemas(doc, model);
  const cases = req.autoTestCases ? buildTestCases(doc, model, schemas) : { files: {}, notes: [] };
  const info = doc.root.info;
  const title = isObject(info) && typeof info.title === 'string' ? info.title : undefined;
  const summary = (model.summary ?? model.description?.split('\n')[0] ?? '').trim();
  const vars: TemplateVars = {
    name,
    label: name
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' '),
    description: summary || `Calls ${model.method} ${model.path}${title ? ` of ${title}` : ''}`,
    version,
    tags: (req.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''),
    ...(req.author?.trim() ? { author: req.author.trim() } : {}),
  };
  const template: TaskTemplate = {
    name: 'openapi',
    description: 'an OpenAPI operation',
    tags: ['openapi', 'http'],
    metadata: { timeout: 30000 },
    files: (v) => {
      const files: Record<string, string | object> = {
        'main.js': renderMainJs(model, v),
        'input.schema.json': schemas.input,
      };
      if (schemas.output) files['output.schema.json'] = schemas.output;
      for (const [file, content] of Object.entries(cases.files)) files[file] = content;
      return files;
    },
  };
  const { metadata, files } = renderTemplate(template, vars, req.now);
  return {
    name,
    operationId: model.operationId,
    method: model.method,
    path: model.path,
    metadata,
    files,
    skipped: model.skipped,
    notes: cases.notes,
  };
}

export interface OpenApiFolderRequest extends OpenApiTaskRequest {
  /** The task folder; default: the operation id under the current directory. */
  path?: string;
  force?: boolean;
}

export async function generateTaskFromOpenApi(
  req: OpenApiFolderRequest,
): Promise<OpenApiTask & { dir: string }> {
  const task = renderOpenApiTask(req);
  const dir = resolve(req.path ?? task.operationId);
  await writeTaskFolder(dir, task.files, req.force ?? false);
  return { ...task, dir };
}
