// `ratchet generate task`: writes a new task folder from a template. Templates are TypeScript
// modules (compiled into dist/, so they ship with the package without extra files).
import { parseMetadata } from '../metadata.ts';
import { formatProblem } from '../types.ts';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import semver from 'semver';
import { basicTemplate, dataTransformTemplate, validationTemplate } from './templates-local.ts';
import { httpApiTemplate, scheduledJobTemplate, webhookHandlerTemplate } from './templates-http.ts';
import type { TaskTemplate, TemplateVars } from './types.ts';
import { taskReadme } from './readme.ts';

export type { TaskTemplate, TemplateVars } from './types.ts';

export const TEMPLATES: readonly TaskTemplate[] = [
  basicTemplate,
  httpApiTemplate,
  dataTransformTemplate,
  validationTemplate,
  webhookHandlerTemplate,
  scheduledJobTemplate,
];

export const DEFAULT_TEMPLATE = 'basic';

export class ScaffoldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScaffoldError';
  }
}

/** The task guide's template names for ours. */
const TEMPLATE_ALIASES: Readonly<Record<string, string>> = { api: 'http-api', 'rest-api': 'http-api' };

export function findTemplate(name: string): TaskTemplate {
  const wanted = TEMPLATE_ALIASES[name] ?? name;
  const template = TEMPLATES.find((t) => t.name === wanted);
  if (!template) {
    throw new ScaffoldError(
      `unknown template "${name}"; the templates are: ${TEMPLATES.map((t) => t.name).join(', ')}`,
    );
  }
  return template;
}

/** `Weather API Fetcher` → `weather-api-fetcher`. */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** `weather-api` → `Weather Api`. */
function titleCase(slug: string): string {
  return slug
    .split('-')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

export interface GenerateTaskOptions {
  path: string;
  label?: string;
  description?: string;
  version?: string;
  author?: string;
  /** Comma-separated on the command line; split already. */
  tags?: string[];
  template?: string;
  /** Write into a folder that already has files (template files are overwritten, others kept). */
  force?: boolean;
  now?: Date;
  /** metadata.json `timeout`, milliseconds. */
  timeoutMs?: number;
  /** metadata.json `memory_limit` ("256MB" or bytes). */
  memoryLimit?: string;
  /** metadata.json `max_retries`. */
  maxRetries?: number;
  /** The input schema refuses properties it does not declare (`additionalProperties: false`). */
  strictInput?: boolean;
  /** Also write README.md describing the task's input, output and commands (readme.ts). */
  includeDocs?: boolean;
}

export interface GeneratedTask {
  dir: string;
  template: string;
  metadata: Record<string, unknown>;
  /** Paths relative to `dir`, in the order written. */
  files: string[];
}

async function checkTarget(dir: string, force: boolean): Promise<void> {
  let entries: string[];
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) throw new ScaffoldError(`${dir} exists and is not a folder`);
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (entries.length > 0 && !force) {
    throw new ScaffoldError(
      `${dir} already exists and is not empty (${entries.length} entries); use --force to write into it`,
    );
  }
}

function buildVars(dir: string, opts: GenerateTaskOptions): TemplateVars {
  const folderSlug = slugify(basename(dir));
  const name = folderSlug || slugify(opts.label ?? '');
  if (name === '') {
    throw new ScaffoldError(
      `cannot derive a task name from ${dir}; give --label or a folder name with letters`,
    );
  }
  const version = opts.version ?? '1.0.0';
  if (semver.valid(version) === null) {
    throw new ScaffoldError(`--version must be a semantic version such as 1.0.0 (got "${version}")`);
  }
  const label = opts.label?.trim() || titleCase(name);
  const vars: TemplateVars = {
    name,
    label,
    description: opts.description?.trim() || `${label} (generated task)`,
    version,
    tags: (opts.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''),
  };
  if (opts.author?.trim()) vars.author = opts.author.trim();
  return vars;
}

export async function generateTask(opts: GenerateTaskOptions): Promise<GeneratedTask> {
  const template = findTemplate(opts.template ?? DEFAULT_TEMPLATE);
  const dir = resolve(opts.path);
  const vars = buildVars(dir, opts);
  await checkTarget(dir, opts.force ?? false);
  const { metadata, files } = renderTemplate(template, vars, opts.now);
  applySettings(metadata, files, opts);
  if (opts.includeDocs) files['README.md'] = taskReadme({ path: opts.path, metadata, files });
  for (const [rel, content] of Object.entries(files)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return { dir, template: template.name, metadata, files: Object.keys(files) };
}

/**
 * A template's files for the given values, in memory (metadata.json first, every file as the text
 * written to disk). Shared by `ratchet generate task` and the MCP tool that stores the result.
 */
export function renderTemplate(
  template: TaskTemplate,
  vars: TemplateVars,
  at: Date = new Date(),
): { metadata: Record<string, unknown>; files: Record<string, string> } {
  const now = at.toISOString();
  const metadata: Record<string, unknown> = {
    uuid: randomUUID(),
    name: vars.name,
    label: vars.label,
    version: vars.version,
    description: vars.description,
    ...(vars.author ? { author: vars.author } : {}),
    tags: [...new Set([...vars.tags, ...template.tags])],
    ...template.metadata,
    created_at: now,
    updated_at: now,
  };
  const files: Record<string, string> = {};
  for (const [rel, content] of Object.entries({ 'metadata.json': metadata, ...template.files(vars) })) {
    files[rel] = typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`;
  }
  return { metadata, files };
}

/** The limits and input strictness asked for, checked by the metadata parser before anything is written. */
function applySettings(
  metadata: Record<string, unknown>,
  files: Record<string, string>,
  opts: GenerateTaskOptions,
): void {
  if (opts.timeoutMs !== undefined) metadata.timeout = opts.timeoutMs;
  if (opts.memoryLimit !== undefined) metadata.memory_limit = opts.memoryLimit;
  if (opts.maxRetries !== undefined) metadata.max_retries = opts.maxRetries;
  const { problems } = parseMetadata(metadata);
  if (problems.length > 0) throw new ScaffoldError(problems.map((p) => formatProblem(p)).join('; '));
  files['metadata.json'] = `${JSON.stringify(metadata, null, 2)}\n`;
  const input = files['input.schema.json'];
  if (opts.strictInput && input !== undefined) {
    const schema = JSON.parse(input) as Record<string, unknown>;
    if (schema.type === 'object') schema.additionalProperties = false;
    files['input.schema.json'] = `${JSON.stringify(schema, null, 2)}\n`;
  }
}
