// Resources: the files of every stored task (latest version) and every execution with its logs and
// HTTP trace. Templates let a client read any of them; the list callbacks enumerate them.
import { ResourceTemplate, type McpServer, type ReadResourceResult } from '@modelcontextprotocol/server';
import type { Ratchet } from '../../app.ts';
import { getExecutionRecord, listExecutionPage } from '../../services/executions.ts';
import { getTaskDetail, listTaskPage } from '../../services/tasks.ts';
import { filesOfVersion } from '../../tasks/stored-versions.ts';

const TASK_FILES = ['main.js', 'input.schema.json', 'output.schema.json', 'metadata.json'] as const;
const LIST_LIMIT = 200;

function mimeOf(file: string): string {
  return file.endsWith('.js') ? 'text/javascript' : 'application/json';
}

function variable(v: string | string[] | undefined, name: string): string {
  const value = Array.isArray(v) ? v[0] : v;
  if (value === undefined || value === '') throw new Error(`resource URI has no ${name}`);
  return decodeURIComponent(value);
}

/** The files of a task's latest version, keyed as in a task folder (tests under tests/). */
async function taskFiles(app: Ratchet, name: string): Promise<Record<string, string>> {
  const detail = await getTaskDetail(app, name);
  if (!detail.version) throw new Error(`task "${detail.name}" has no enabled version`);
  return filesOfVersion(detail, detail.version);
}

async function readTaskFile(app: Ratchet, uri: URL, name: string, file: string): Promise<ReadResourceResult> {
  const files = await taskFiles(app, name);
  const text = files[file];
  if (text === undefined) {
    const have = Object.keys(files).join(', ');
    throw new Error(`task "${name}" has no ${file}; its files are: ${have}`);
  }
  return { contents: [{ uri: uri.href, mimeType: mimeOf(file), text }] };
}

export function registerResources(mcp: McpServer, app: Ratchet): void {
  const listTaskResources = async () => {
    const { rows } = await listTaskPage(app, { limit: LIST_LIMIT });
    const resources = [];
    for (const t of rows) {
      if (t.latestVersion === null) continue;
      const detail = await getTaskDetail(app, t.id);
      if (!detail.version) continue;
      for (const file of Object.keys(filesOfVersion(detail, detail.version))) {
        resources.push({
          uri: `ratchet://tasks/${encodeURIComponent(t.name)}/${file}`,
          name: `${t.name}/${file}`,
          mimeType: mimeOf(file),
          description: `${file} of task ${t.name} ${t.latestVersion}`,
        });
      }
    }
    return { resources };
  };
  for (const file of TASK_FILES) {
    mcp.registerResource(
      `task-${file}`,
      new ResourceTemplate(`ratchet://tasks/{name}/${file}`, {
        // One listing covers every task file; the other templates list nothing extra.
        list: file === 'main.js' ? listTaskResources : undefined,
      }),
      { description: `The ${file} of a task's latest version`, mimeType: mimeOf(file) },
      (uri, vars) => readTaskFile(app, uri, variable(vars.name, 'task name'), file),
    );
  }
  mcp.registerResource(
    'task-test',
    new ResourceTemplate('ratchet://tasks/{name}/tests/{test}', { list: undefined }),
    {
      description: "A test case (tests/<name>.json) of a task's latest version",
      mimeType: 'application/json',
    },
    (uri, vars) =>
      readTaskFile(app, uri, variable(vars.name, 'task name'), `tests/${variable(vars.test, 'test name')}`),
  );
  mcp.registerResource(
    'execution',
    new ResourceTemplate('ratchet://executions/{id}', {
      list: async () => {
        const { rows } = await listExecutionPage(app, { limit: 50 });
        return {
          resources: rows.map((e) => ({
            uri: `ratchet://executions/${e.id}`,
            name: `execution ${e.id}`,
            mimeType: 'application/json',
            description: `${e.status} execution of task ${e.taskId} (${e.createdAt})`,
          })),
        };
      },
    }),
    {
      description: 'One execution (id or UUID): status, input, output, error, logs and HTTP trace',
      mimeType: 'application/json',
    },
    async (uri, vars) => {
      const e = await getExecutionRecord(app, variable(vars.id, 'execution id'));
      return {
        contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(e, null, 2) }],
      };
    },
  );
}
