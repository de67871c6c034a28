// Route schemas: request and response shapes are zod v4 schemas, converted once here to the
// draft-07 JSON Schema Fastify's Ajv validates and @fastify/swagger publishes as OpenAPI.
import { z } from 'zod';
import type { FastifySchema } from 'fastify';

/** zod → draft-07 JSON Schema; `input` for request parts (defaults do not make fields required). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
}

export const ErrorEnvelope = z.object({
  error: z.object({
    code: z.enum([
      'NOT_FOUND',
      'BAD_REQUEST',
      'VALIDATION_ERROR',
      'UNAUTHORIZED',
      'FORBIDDEN',
      'CONFLICT',
      'RATE_LIMITED',
      'TIMEOUT',
      'SERVICE_UNAVAILABLE',
      'INTERNAL_ERROR',
    ]),
    message: z.string(),
    status: z.number().int(),
    details: z.looseObject({}).optional(),
  }),
});

export const ListMeta = z.object({
  total: z.number().int().describe('Rows matching the filters (also in X-Total-Count)'),
  start: z.number().int().describe('Offset of the first row returned'),
  end: z.number().int().describe('Offset after the last row returned (exclusive)'),
  limit: z.number().int(),
  page: z.number().int().optional().describe('1-based page, when the request paged with page/limit'),
});

/** Path parameter `id`: a numeric id, a UUID or (where the resource has one) a name. */
export const IdParams = z.object({ id: z.string().min(1).max(100).describe('Numeric id, UUID or name') });

/** Query parameters every list takes; field filters (`status`, `name_like`, …) come on top. */
export const ListQuerystring = z.looseObject({
  _start: z.number().int().min(0).optional().describe('Offset of the first row (with _end)'),
  _end: z.number().int().min(0).optional().describe('Offset after the last row, exclusive'),
  _sort: z.string().min(1).optional().describe('Field to sort by'),
  _order: z.string().optional().describe('asc or desc (any case)'),
  page: z.number().int().min(1).optional().describe('1-based page (with limit)'),
  limit: z.number().int().min(0).max(1000).optional().describe('Rows per page (default 25)'),
});

const errorSchema = jsonSchema(ErrorEnvelope);

export interface RouteSchema {
  tags: string[];
  summary: string;
  description?: string;
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** The 2xx response body. */
  response: z.ZodType;
  /** Its status; default 200. */
  status?: number;
}

/** A Fastify route schema from zod parts, with the error envelope as every 4xx/5xx response. */
export function routeSchema(s: RouteSchema): FastifySchema {
  const out: FastifySchema & Record<string, unknown> = {
    tags: s.tags,
    summary: s.summary,
    response: { [s.status ?? 200]: jsonSchema(s.response), '4xx': errorSchema, '5xx': errorSchema },
  };
  if (s.description) out.description = s.description;
  if (s.params) out.params = jsonSchema(s.params, 'input');
  if (s.querystring) out.querystring = jsonSchema(s.querystring, 'input');
  if (s.body) out.body = jsonSchema(s.body, 'input');
  return out;
}

/** `{ data: T }` */
export function dataOf<T extends z.ZodType>(schema: T) {
  return z.object({ data: schema });
}

/** `{ data: T[], meta }` */
export function listOf<T extends z.ZodType>(schema: T) {
  return z.object({ data: z.array(schema), meta: ListMeta });
}
