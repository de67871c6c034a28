// Task templates: list them (with the original Ratchet names as aliases) and create a stored task
// from one.
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { MISSING_TEMPLATES, generateFromTemplate, listTemplateInfos } from '../../../services/templates.ts';
import {
  CHANGES_STATE,
  READ_ONLY,
  authorOf,
  taskView,
  taskViewOf,
  versionView,
  versionViewOf,
} from './dev-common.ts';

const listTemplates = defineTool({
  name: 'ratchet_list_templates',
  title: 'List task templates',
  description:
    "The templates ratchet_generate_from_template starts from. Returns each template's name, purpose, files and original Ratchet names.",
  input: z.object({}),
  output: z.object({
    templates: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        tags: z.array(z.string()).describe('Tags the template adds to the task'),
        aliases: z.array(z.string()).describe('Original Ratchet names accepted for this template'),
        files: z.array(z.string()),
      }),
    ),
    not_available: z.array(z.object({ name: z.string(), instead: z.string() })),
  }),
  annotations: READ_ONLY,
  access: 'read',
  example: {},
  handler() {
    return Promise.resolve({
      templates: listTemplateInfos(),
      not_available: Object.entries(MISSING_TEMPLATES).map(([name, instead]) => ({ name, instead })),
    });
  },
});

const generate = defineTool({
  name: 'ratchet_generate_from_template',
  title: 'Create a task from a template',
  description:
    'Creates a task from a template (original names like http_api_call work): main.js, schemas and passing test cases, stored as 1.0.0 unless save is false. Returns the task and its files.',
  input: z.object({
    template: z
      .string()
      .min(1)
      .max(50)
      .describe('Template name or alias, e.g. "http-api" or "http_api_call"'),
    name: z
      .string()
      .min(1)
      .max(100)
      .describe('Task name: lower-case letters, digits and "-", e.g. "weather-fetcher"'),
    label: z.string().max(200).optional().describe('Human-readable title (default: from the name)'),
    description: z.string().max(2000).optional().describe('What the task does'),
    version: z.string().min(1).max(64).optional().describe('First version (default "1.0.0")'),
    author: z.string().max(200).optional().describe('metadata.json author'),
    tags: z
      .array(z.string().min(1).max(50))
      .max(30)
      .optional()
      .describe('Tags besides the template\u2019s own'),
    save: z.boolean().default(true).describe('false: return the files, store nothing'),
  }),
  output: z.object({
    template: z.string(),
    name: z.string(),
    files: z.record(z.string(), z.string()).describe('Path → content of every generated file'),
    task: taskView.nullable().describe('The stored task (null when save was false)'),
    version: versionView.nullable(),
  }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    template: 'http_api_call',
    name: 'weather-fetcher',
    description: 'Fetches the weather for a city',
  },
  async handler(args, ctx) {
    const r = await generateFromTemplate(ctx.app, args, authorOf(ctx));
    return {
      template: r.template,
      name: r.name,
      files: r.files,
      task: r.task ? taskViewOf(r.task) : null,
      version: r.task?.version ? versionViewOf(r.task.version) : null,
    };
  },
});

export const templateTools = [listTemplates, generate];
