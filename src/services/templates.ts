// Task templates for adapters: the scaffold templates of `ratchet generate task`, the original
// Ratchet MCP template names mapped onto them, and generating a stored task from one.
import semver from 'semver';
import type { Ratchet } from './context.ts';
import { ConflictError } from '../store/codec.ts';
import { getTask } from '../store/repos/tasks.ts';
import { TEMPLATES, renderTemplate, slugify } from '../tasks/scaffold/generate.ts';
import type { TaskTemplate } from '../tasks/scaffold/generate.ts';
import { loadTaskFromFiles } from '../tasks/load.ts';
import { ValidationError } from './errors.ts';
import { savePackage } from '../tasks/stored-versions.ts';
import type { Author, TaskDetail } from './tasks.ts';

/** Original MCP template names → our template (null: no template does that job here). */
export const TEMPLATE_ALIASES: Readonly<Record<string, string | null>> = {
  http_api_call: 'http-api',
  data_transform: 'data-transform',
  validation: 'validation',
  webhook_handler: 'webhook-handler',
  scheduled_job: 'scheduled-job',
  file_processor: null,
  testing_utility: null,
};

/** Why an original name has no template, and what to use instead. */
export const MISSING_TEMPLATES: Readonly<Record<string, string>> = {
  file_processor:
    'tasks run in a sandbox without file system access, so there is no file template; pass file contents in the input and start from data-transform',
  testing_utility:
    'test cases are tests/*.json files of each task (ratchet_create_test_case), not a task of their own; start from basic',
};

export interface TemplateInfo {
  name: string;
  description: string;
  tags: string[];
  /** Original Ratchet names that select this template. */
  aliases: string[];
  /** Files the template writes (metadata.json included). */
  files: string[];
}

export function listTemplateInfos(): TemplateInfo[] {
  return TEMPLATES.map((t) => ({
    name: t.name,
    description: t.description,
    tags: [...t.tags],
    aliases: Object.entries(TEMPLATE_ALIASES)
      .filter(([, target]) => target === t.name)
      .map(([alias]) => alias),
    files: [
      'metadata.json',
      ...Object.keys(t.files({ name: 'x', label: 'X', description: 'x', version: '1.0.0', tags: [] })),
    ],
  }));
}

/** A template by its name or an original alias; ValidationError listing the choices otherwise. */
export function resolveTemplate(name: string): TaskTemplate {
  const target = Object.hasOwn(TEMPLATE_ALIASES, name) ? TEMPLATE_ALIASES[name] : name;
  const found = TEMPLATES.find((t) => t.name === target);
  if (found) return found;
  const why = Object.hasOwn(MISSING_TEMPLATES, name) ? ` (${MISSING_TEMPLATES[name]})` : '';
  throw new ValidationError('unknown template', [
    {
      path: '$.template',
      message: `"${name}" is not a template${why}; use one of ${TEMPLATES.map((t) => t.name).join(', ')} or the aliases ${Object.keys(
        TEMPLATE_ALIASES,
      )
        .filter((a) => TEMPLATE_ALIASES[a] !== null)
        .join(', ')}`,
    },
  ]);
}

export interface GenerateRequest {
  template: string;
  name: string;
  label?: string;
  description?: string;
  version?: string;
  author?: string;
  tags?: string[];
  /** Store the task (default true); false only returns the files. */
  save?: boolean;
}

export interface GeneratedFromTemplate {
  template: string;
  name: string;
  files: Record<string, string>;
  task: TaskDetail | null;
}

export async function generateFromTemplate(
  app: Ratchet,
  req: GenerateRequest,
  author: Author,
): Promise<GeneratedFromTemplate> {
  const template = resolveTemplate(req.template);
  const name = slugify(req.name);
  const v = [];
  if (name === '' || name !== req.name) {
    v.push({
      path: '$.name',
      message: `must be lower-case letters, digits and "-" (try "${name || 'my-task'}")`,
    });
  }
  const version = req.version ?? '1.0.0';
  if (semver.valid(version) === null)
    v.push({ path: '$.version', message: `"${version}" is not a semantic version` });
  if (v.length > 0) throw new ValidationError('invalid template request', v);
  const label =
    req.label?.trim() ||
    name
      .split('-')
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ');
  const { files } = renderTemplate(template, {
    name,
    label,
    description: req.description?.trim() || `${label} (generated from the ${template.name} template)`,
    version,
    tags: (req.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''),
    ...(req.author?.trim() ? { author: req.author.trim() } : {}),
  });
  if (req.save === false) return { template: template.name, name, files, task: null };
  if (await getTask(app.store.db, name)) {
    throw new ConflictError(`a task named "${name}" already exists; choose another name or edit that task`);
  }
  const pkg = loadTaskFromFiles(files, { kind: 'store', path: `${name}@${version}` });
  const saved = await savePackage(app.store.db, pkg, author);
  return { template: template.name, name, files, task: { ...saved.task, version: saved.version } };
}
