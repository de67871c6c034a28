// Shared by the development-tool tests: a fresh application (SQLite file or PostgreSQL database)
// and calls through the framework's runTool (argument validation, handler, error conversion),
// exactly what an MCP client's tools/call reaches.
import { test } from 'node:test';
import type { Ratchet } from '../../../app.ts';
import type { Dialect } from '../../../store/database.ts';
import { createTestApp, saveTask } from '../../../workers/test-helpers.ts';
import { runTool, type CallOutcome } from '../framework.ts';
import type { ToolDefinition } from '../tool.ts';
import type { Role } from '../../../services/roles.ts';
import { ALL_TOOLS } from './index.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Out = Record<string, any>;

export interface DevEnv {
  app: Ratchet;
  call(name: string, args: unknown, role?: Role): Promise<CallOutcome>;
  /** structuredContent of a successful call; throws with the tool error text otherwise. */
  ok(name: string, args: unknown): Promise<Out>;
  /** The `error` body of a failed call; throws when the call succeeded. */
  fail(name: string, args: unknown): Promise<{ code: string; message: string; details?: Out }>;
}

export function toolNamed(name: string): ToolDefinition {
  const def = ALL_TOOLS.find((t) => t.name === name);
  if (!def) throw new Error(`no tool ${name} in ALL_TOOLS`);
  return def;
}

export const ADDER = '(function(input, context) {\n  return { sum: input.a + input.b };\n})\n';
export const ADDER_IN = {
  type: 'object',
  required: ['a', 'b'],
  properties: { a: { type: 'number' }, b: { type: 'number' } },
};
export const ADDER_OUT = { type: 'object', required: ['sum'], properties: { sum: { type: 'number' } } };

export async function withDevApp(dialect: Dialect, fn: (env: DevEnv) => Promise<void>): Promise<void> {
  const t = await createTestApp(dialect);
  const call = (name: string, args: unknown, role: Role = 'developer') =>
    runTool(toolNamed(name), args, {
      app: t.app,
      principal: { name: 'agent-test', role },
      progress: () => undefined,
      signal: new AbortController().signal,
    });
  const env: DevEnv = {
    app: t.app,
    call,
    async ok(name, args) {
      const r = await call(name, args);
      if (r.isError) throw new Error(`${name} failed: ${r.content[0]?.text}`);
      // What a client receives must match the declared output schema.
      toolNamed(name).output.parse(r.structuredContent);
      return r.structuredContent;
    },
    async fail(name, args) {
      const r = await call(name, args);
      if (!r.isError) throw new Error(`${name} succeeded but was expected to fail: ${r.content[0]?.text}`);
      return (r.structuredContent as { error: { code: string; message: string; details?: Out } }).error;
    },
  };
  try {
    await fn(env);
  } finally {
    await t.close();
  }
}

/** `name [sqlite]` and `name [postgres]`, each on a fresh application. */
export function forEachDevBackend(name: string, fn: (env: DevEnv) => Promise<void>): void {
  for (const dialect of ['sqlite', 'postgres'] as const)
    void test(`${name} [${dialect}]`, () => withDevApp(dialect, fn));
}

/** The adder task (a + b) with schemas, saved as version 1.0.0. */
export async function seedAdder(app: Ratchet, name = 'adder'): Promise<string> {
  return saveTask(app, name, ADDER, { description: 'adds a and b', tags: ['math'] }, ADDER_IN);
}
