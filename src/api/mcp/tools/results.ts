// Named results an agent keeps for later: store a JSON value under a name, read results back by
// name, prefix, task, execution or tag (newest first).
import { z } from 'zod';
import { defineTool } from '../tool.ts';
import { RESULT_MAX_BYTES, findResults, storeResult, type ResultRecord } from '../../../services/results.ts';
import { CHANGES_STATE, READ_ONLY, taskRef } from './dev-common.ts';
import { pageFields, pageInfo, pageOf } from './common.ts';

const resultView = z.object({
  result_id: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  task_id: z.number().int().nullable(),
  execution_id: z.number().int().nullable(),
  tags: z.array(z.string()),
  size_bytes: z.number().int(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  data: z.unknown().describe('The stored value (left out when include_data is false)'),
});

function viewOf(r: ResultRecord, withData = true): z.input<typeof resultView> {
  return {
    result_id: r.id,
    uuid: r.uuid,
    name: r.name,
    task_id: r.taskId,
    execution_id: r.executionId,
    tags: r.tags,
    size_bytes: r.sizeBytes,
    created_by: r.createdBy,
    created_at: r.createdAt,
    data: withData ? r.data : undefined,
  };
}

const storeResultTool = defineTool({
  name: 'ratchet_store_result',
  title: 'Store a result',
  description: `Stores a JSON value (up to ${RESULT_MAX_BYTES} bytes) under a name, optionally linked to a task, an execution and tags; the same name again adds a newer entry. Returns the stored result.`,
  input: z.object({
    name: z
      .string()
      .min(1)
      .max(200)
      .describe('Name to store under; "/" groups names (read a group with name_prefix)'),
    data: z.unknown().describe('The value to keep: any JSON'),
    task_id: taskRef.optional().describe('The task the result is about: its numeric id, UUID or name'),
    execution_id: z.number().int().positive().optional().describe('The execution it came from'),
    tags: z.array(z.string().min(1).max(50)).max(20).optional().describe('Tags to find it by'),
  }),
  output: z.object({ result: resultView }),
  annotations: CHANGES_STATE,
  access: 'write',
  example: {
    name: 'addition/checks',
    data: { runs: 3, all_passed: true },
    task_id: 'addition',
    tags: ['check'],
  },
  async handler(args, ctx) {
    const r = await storeResult(
      ctx.app,
      {
        name: args.name,
        data: args.data,
        task: args.task_id,
        executionId: args.execution_id,
        tags: args.tags,
      },
      ctx.principal.name,
    );
    return { result: viewOf(r) };
  },
});

const getResults = defineTool({
  name: 'ratchet_get_results',
  title: 'Get stored results',
  description:
    'Stored results, newest first, by result_id or matching name, name_prefix, task_id, execution_id or tag. Returns the results and the pagination.',
  input: z.object({
    result_id: z
      .union([z.number().int().positive(), z.string().min(1).max(100)])
      .optional()
      .describe('One result: its numeric id or UUID'),
    name: z.string().min(1).max(200).optional().describe('Exact name'),
    name_prefix: z.string().min(1).max(200).optional().describe('Names starting with this, e.g. "weather/"'),
    task_id: taskRef.optional().describe('Results linked to this task: its numeric id, UUID or name'),
    execution_id: z.number().int().positive().optional().describe('Results linked to this execution'),
    tag: z.string().min(1).max(50).optional().describe('Results carrying this tag'),
    include_data: z.boolean().default(true).describe('Include the stored values (default true)'),
    page: pageFields.page,
    // Results carry their data (up to 1 MB each), so pages stay smaller than other lists'.
    limit: z.number().int().min(1).max(100).default(20).describe('Items per page (1–100)'),
  }),
  output: z.object({ results: z.array(resultView), pagination: pageInfo }),
  annotations: READ_ONLY,
  access: 'read',
  example: { name_prefix: 'addition/' },
  async handler(args, ctx) {
    const found = await findResults(ctx.app, {
      id: args.result_id,
      name: args.name,
      namePrefix: args.name_prefix,
      task: args.task_id,
      executionId: args.execution_id,
      tag: args.tag,
      limit: args.limit,
      offset: (args.page - 1) * args.limit,
    });
    return {
      results: found.rows.map((r) => viewOf(r, args.include_data)),
      pagination: pageOf(args.page, args.limit, found.total),
    };
  },
});

export const resultTools = [storeResultTool, getResults];
