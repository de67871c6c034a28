// Tasks from OpenAPI operations for every face: reading the document (a file, or a URL fetched
// through the outbound HTTP client and its host policy) and storing a generated task.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Ratchet } from './context.ts';
import { ConflictError } from '../store/codec.ts';
import { getTask } from '../store/repos/tasks.ts';
import { performRequest, type HttpClientOptions } from '../http/client.ts';
import { httpOptionsFromConfig } from '../runtime/settings.ts';
import {
  OpenApiError,
  renderOpenApiTask,
  type OpenApiSpecText,
  type OpenApiTask,
} from '../tasks/scaffold/openapi/generate-from-openapi.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import type { Author, TaskDetail } from './tasks.ts';

/** Largest OpenAPI document read, in bytes. */
const MAX_SPEC_BYTES = 10 * 1024 * 1024;

export function isSpecUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Fetches an OpenAPI document over HTTP(S); OpenApiError naming the URL when it cannot. */
export async function fetchOpenApiSpec(url: string, http: HttpClientOptions): Promise<OpenApiSpecText> {
  const exchange = await performRequest(
    {
      method: 'GET',
      url,
      headers: { accept: 'application/json, application/yaml, text/yaml, */*' },
    },
    { ...http, maxResponseBytes: MAX_SPEC_BYTES },
    http.timeoutMs,
  );
  const res = exchange.response;
  if (!res) throw new OpenApiError(`cannot fetch the OpenAPI document: ${exchange.error?.message ?? url}`);
  if (res.status < 200 || res.status > 299) {
    throw new OpenApiError(
      `cannot fetch the OpenAPI document: ${url} answered ${res.status} ${res.statusText}`.trim(),
    );
  }
  const text = res.bodyEncoding === 'base64' ? Buffer.from(res.body, 'base64').toString('utf8') : res.body;
  return { text, source: url, url: res.url || url };
}

/**
 * The document at `location`: a URL is fetched; anything else is a file under `cwd`. The CLI
 * opens the URL's own host for this one request (the user named it), as `--allow-host` would.
 */
export async function readOpenApiSpec(
  location: string,
  http: HttpClientOptions,
  cwd = process.cwd(),
): Promise<OpenApiSpecText> {
  if (isSpecUrl(location)) {
    let host: string;
    try {
      host = new URL(location).host;
    } catch {
      throw new OpenApiError(`--spec-url ${location} is not a valid URL`);
    }
    return fetchOpenApiSpec(location, {
      ...http,
      alsoAllowedHosts: [...(http.alsoAllowedHosts ?? []), host],
    });
  }
  const path = resolve(cwd, location);
  try {
    return { text: await readFile(path, 'utf8'), source: location };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder' : (err as Error).message;
    throw new OpenApiError(`cannot read the OpenAPI document ${path}: ${why}`);
  }
}

export interface StoredOpenApiRequest {
  /** The document's text (JSON or YAML); or give specUrl. */
  spec?: string;
  /** An http(s) URL fetched under the server's outbound policy (http.allowed_hosts). */
  specUrl?: string;
  operationId: string;
  autoTestCases?: boolean;
  version?: string;
  author?: string;
  tags?: string[];
  /** Store the task (default true); false only returns the files. */
  save?: boolean;
}

export interface StoredOpenApiTask extends OpenApiTask {
  task: TaskDetail | null;
}

export async function generateStoredTaskFromOpenApi(
  app: Ratchet,
  req: StoredOpenApiRequest,
  author: Author,
): Promise<StoredOpenApiTask> {
  if ((req.spec === undefined) === (req.specUrl === undefined)) {
    throw new OpenApiError(
      'give the OpenAPI document either as spec (its text) or as spec_url, not both or neither',
    );
  }
  let spec: OpenApiSpecText;
  if (req.specUrl !== undefined) {
    if (!isSpecUrl(req.specUrl))
      throw new OpenApiError(`spec_url must be an http(s) URL (got "${req.specUrl}")`);
    spec = await fetchOpenApiSpec(req.specUrl, httpOptionsFromConfig(app.config, app.listeningPorts));
  } else {
    spec = { text: req.spec!, source: 'spec' };
  }
  const task = renderOpenApiTask({
    spec,
    operationId: req.operationId,
    ...(req.autoTestCases !== undefined ? { autoTestCases: req.autoTestCases } : {}),
    ...(req.version !== undefined ? { version: req.version } : {}),
    ...(req.author !== undefined ? { author: req.author } : {}),
    ...(req.tags !== undefined ? { tags: req.tags } : {}),
  });
  if (req.save === false) return { ...task, task: null };
  if (await getTask(app.store.db, task.name)) {
    throw new ConflictError(
      `a task named "${task.name}" already exists; choose another operation or edit that task`,
    );
  }
  const version = String(task.metadata.version);
  const pkg = loadTaskFromFiles(task.files, { kind: 'store', path: `${task.name}@${version}` });
  const saved = await savePackage(app.store.db, pkg, author);
  return { ...task, task: { ...saved.task, version: saved.version } };
}
