// The `graphql` section: the GraphQL endpoint at /graphql, its playground and its limits. Split from
// schema.ts only for size; see there for the conventions.
import { z } from 'zod';

export const graphql = z
  .object({
    enabled: z.boolean().default(true).describe('Serve the GraphQL API at /graphql (and its subscriptions)'),
    playground: z
      .boolean()
      .default(true)
      .describe(
        'Serve the GraphiQL playground at /playground and /graphiql (assets from the package, no CDN)',
      ),
    introspection: z
      .boolean()
      .default(true)
      .describe('Answer introspection queries (__schema, __type); false refuses them'),
    max_depth: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('Deepest field nesting a query may have; deeper queries are refused before they run'),
    max_cost: z
      .number()
      .int()
      .min(1)
      .default(25_000)
      .describe(
        'Highest cost a query may have: each field costs 1, times the page size (pagination.limit, default 25) of every list it sits in',
      ),
    persisted_queries: z
      .boolean()
      .default(false)
      .describe(
        'Automatic persisted queries (the Apollo protocol): once the server has seen a query, a client may send its SHA-256 instead of its text; kept in memory, 1024 at most',
      ),
    body_limit_bytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe('Largest request body /graphql accepts, in bytes (a larger one is refused with 413)'),
  })
  .strict();
