// The GraphQL API at /graphql (DESIGN.md §6): Mercurius on the server's own Fastify instance, the
// checked-in SDL (schema.graphql) with resolvers that only call services, subscriptions over
// graphql-ws on the same path, and the GraphiQL playground. Mounted by src/server/build.ts after
// the auth hook, which has already verified any key the request presented.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import mercurius from 'mercurius';
import {
  NoSchemaIntrospectionCustomRule,
  valueFromASTUntyped,
  type DocumentNode,
  type OperationDefinitionNode,
} from 'graphql';
import type { Ratchet } from '../../app.ts';
import { authenticateKey, authRequired, presentedKey } from '../../server/auth.ts';
import { recordGraphqlOperation } from '../../server/metrics.ts';
import { ApiError } from '../../server/errors.ts';
import { badInput, codedErrors, formatExecution } from './errors.ts';
import type { GqlContext } from './context.ts';
import { queryResolvers } from './queries.ts';
import { mutationResolvers } from './mutations.ts';
import { subscriptionResolvers } from './subscriptions.ts';
import { loaders, typeResolvers } from './loaders.ts';
import { workflowTypeResolvers } from './workflows.ts';
import { assertCost, depthRule } from './limits.ts';
import { playgroundPlugin } from './playground.ts';
import { ResponseSerializers } from './response-serializer.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The GraphQL context of a /graphql request, for the onResponse hook that records it. */
    graphqlContext: GqlContext | null;
  }
}

export const GRAPHQL_PATH = '/graphql';
/** Queries kept for automatic persisted queries (an LRU, so a flood of hashes cannot grow it). */
const PERSISTED_QUERIES = 1024;

/** The SDL the executable schema is built from (copied next to the built file by `npm run build`). */
export function schemaSource(): string {
  return readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8');
}

const JSONScalar = {
  serialize: (v: unknown) => v,
  parseValue: (v: unknown) => v,
  parseLiteral: (
    ast: Parameters<typeof valueFromASTUntyped>[0],
    vars?: Parameters<typeof valueFromASTUntyped>[1],
  ) => valueFromASTUntyped(ast, vars),
};

// Operation names are chosen by clients: only sane ones become metric labels, and only so many.
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_NAMES = 200;

type Operation = NonNullable<GqlContext['operation']> & { several: boolean };

function operationOf(doc: DocumentNode, names: Set<string>): Operation {
  const ops = doc.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  const op = ops[0];
  const fields = (op?.selectionSet.selections ?? []).flatMap((s) =>
    s.kind === 'Field' ? [s.name.value] : [],
  );
  let name = op?.name?.value ?? 'anonymous';
  if (!NAME.test(name)) name = 'invalid';
  else if (!names.has(name)) {
    if (names.size >= MAX_NAMES) name = 'other';
    else names.add(name);
  }
  return { name, type: op?.operation ?? 'unknown', fields, several: ops.length > 1 };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface GraphqlOptions extends Record<string, unknown> {
  app: Ratchet;
  /** The address the server listens on, for server.auth.required: auto. */
  bindAddress?: string;
}

const graphqlPlugin: FastifyPluginAsync<GraphqlOptions> = async (server, { app, bindAddress }) => {
  const cfg = app.config.graphql;
  const required = authRequired(app.config, bindAddress);
  const names = new Set<string>();
  // A repeated query arrives as the same parsed document (Mercurius's cache): read its name once.
  const operations = new WeakMap<DocumentNode, Operation>();
  const operationOfCached = (doc: DocumentNode): Operation => {
    let op = operations.get(doc);
    if (!op) operations.set(doc, (op = operationOf(doc, names)));
    return op;
  };
  const bodyLimit = cfg.body_limit_bytes;

  /** connection_init: a key in the payload (as a header map or `apiKey`) names the principal. */
  async function connectionAuth(payload: unknown): Promise<Partial<GqlContext>> {
    const p = (payload ?? {}) as Record<string, unknown>;
    const headers = (typeof p.headers === 'object' && p.headers !== null ? p.headers : p) as Record<
      string,
      unknown
    >;
    // An empty value means "no key" (a client filling the field from an unset variable).
    const lower = Object.fromEntries(
      Object.entries(headers)
        .filter(([, v]) => v !== '' && v !== null && v !== undefined)
        .map(([k, v]) => [k.toLowerCase(), v]),
    );
    if (typeof p.apiKey === 'string' && p.apiKey !== '') lower['x-api-key'] ??= p.apiKey;
    try {
      const key = presentedKey(lower);
      return key === undefined ? {} : { principal: await authenticateKey(app, key) };
    } catch (err) {
      return { authError: codedErrors(err, bodyLimit, server.log).errors[0] };
    }
  }

  // Mercurius also takes `query` as a ready-made AST (an object, or JSON text that does not parse
  // as GraphQL); ours is a public endpoint, so only GraphQL source text is accepted. A hook, so the
  // refusal is the server's 400 envelope rather than an error inside Mercurius's handler; callback
  // style, since an async hook costs a promise per request for nothing it awaits.
  const queryTextProblem = (request: FastifyRequest): ApiError | undefined => {
    const carrier = (request.method === 'GET' ? request.query : request.body) as { query?: unknown } | null;
    const query = carrier !== null && typeof carrier === 'object' ? carrier.query : undefined;
    if (query === undefined) return undefined;
    if (typeof query !== 'string')
      return new ApiError(
        400,
        'BAD_REQUEST',
        `query must be a string of GraphQL source text, not ${typeof query}`,
      );
    if (/^\s*(\[|"|\{\s*["}])/.test(query) && isJson(query))
      return new ApiError(400, 'BAD_REQUEST', 'query must be GraphQL source text, not JSON');
    return undefined;
  };
  server.addHook('preValidation', (request, _reply, done) => done(queryTextProblem(request)));

  // Each HTTP request's GraphQL context, for the onResponse hook that records the operation. It is
  // a request property, not a WeakMap keyed by the request: the context reaches the reply and so
  // the request, and with the WeakMap every request's objects survived young-generation GCs until
  // a full one (measured with --trace-gc: the heap grew about 5 KB per request, scavenges took ten
  // times longer, 12-23 µs of GC per request at 32 connections instead of 2-3).
  server.decorateRequest('graphqlContext', null);
  const recordOperation = (c: GqlContext, request: { ip: string; id: string }): void => {
    if (c.recorded || !c.operation) return;
    c.recorded = true;
    const ms = c.startedAt === undefined ? undefined : performance.now() - c.startedAt;
    recordGraphqlOperation(c.operation.name, c.operation.type, c.hadErrors ? 'error' : 'success', ms);
    // Mutations join the audit trail as REST's do: one row per operation, naming its fields.
    if (c.operation.type === 'mutation') {
      const p = c.principal;
      server.ratchetAudit({
        at: Date.now(),
        actor: 'name' in p ? p.name : 'anonymous',
        action: `GRAPHQL ${c.operation.fields.join(',')}`,
        targetType: 'graphql',
        targetId: null,
        sourceIp: request.ip,
        outcome: c.errorCode ? `2xx ${c.errorCode}` : '2xx',
        details: { operation: c.operation.name, requestId: request.id },
      });
    }
  };

  await server.register(mercurius, {
    schema: schemaSource(),
    resolvers: {
      JSON: JSONScalar,
      Query: queryResolvers(app),
      Mutation: mutationResolvers(app),
      Subscription: subscriptionResolvers(app, server.log),
      ...typeResolvers(app),
      ...workflowTypeResolvers(app),
    } as never,
    loaders: loaders(app),
    path: GRAPHQL_PATH,
    graphiql: false,
    // Compile an operation with graphql-jit once it has been seen: repeated queries (dashboards,
    // the same list polled) skip graphql-js's generic executor.
    jit: 1,
    allowBatchedQueries: false,
    ...(cfg.persisted_queries
      ? { persistedQueryProvider: mercurius.persistedQueryDefaults.automatic(PERSISTED_QUERIES) }
      : {}),
    validationRules: [
      depthRule(cfg.max_depth),
      ...(cfg.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
    ],
    context: (request) => {
      const c: GqlContext = {
        principal: request.principal,
        authRequired: required,
        startedAt: performance.now(),
      };
      request.graphqlContext = c;
      return c;
    },
    subscription: {
      // The upgrade request went through the auth hook like any other (a key in its headers counts).
      context: (_socket, request) => ({ principal: request.principal, authRequired: required }) as GqlContext,
      onConnect: async (data: { payload?: unknown }) => ({ ...(await connectionAuth(data.payload)) }),
    },
    errorFormatter: (execution, ctx) => {
      const c = ctx as unknown as GqlContext;
      // What onResponse (below) records: the operation had errors, and the first one's code.
      if (c) {
        c.hadErrors = true;
        const code = (execution.errors?.[0] as { extensions?: { code?: unknown } } | undefined)?.extensions
          ?.code;
        if (typeof code === 'string') c.errorCode = code;
      }
      if (!c.recorded && c.operation === undefined) {
        c.recorded = true;
        recordGraphqlOperation('unknown', 'unknown', 'rejected');
      }
      return formatExecution(execution, bodyLimit, server.log) as never;
    },
    // The route is public: a missing or refused key is a GraphQL error (UNAUTHENTICATED) per field.
    // Metrics and the audit row are written once the answer is sent (onResponse), not on the way to
    // it as a Mercurius onResolution hook would: a request waits for neither.
    additionalRouteOptions: {
      config: { access: 'public' },
      bodyLimit,
      // Callback style: an async hook costs a promise per request for nothing it awaits.
      onResponse: (request, _reply, done) => {
        const c = request.graphqlContext;
        if (c) recordOperation(c, request);
        done();
      },
    },
  });

  // Not async: Mercurius awaits whatever a hook returns, and an async function adds a promise of
  // its own per request; a throw here still rejects the hooks' run.
  const serializers = new ResponseSerializers();
  server.graphql.addHook('preExecution', (schema, document, context, variables) => {
    const c = context as unknown as GqlContext & { reply?: FastifyReply };
    const operation = (c.operation = operationOfCached(document));
    try {
      if (operation.type === 'subscription')
        throw badInput(
          `subscriptions run over a WebSocket (graphql-ws protocol) on ${GRAPHQL_PATH}, not over HTTP`,
        );
      assertCost(document, variables as Record<string, unknown> | undefined, cfg.max_cost);
    } catch (err) {
      c.recorded = true;
      recordGraphqlOperation(operation.name, operation.type, 'rejected');
      throw err;
    }
    // An HTTP request's reply (an operation over the WebSocket has none to serialize).
    if (typeof c.reply?.serializer === 'function') serializers.use(c.reply, schema, document);
    // Mercurius compiles a repeated document with graphql-jit for the operation named on its
    // compiled run, then runs that one whatever operationName later requests give (seen: `query B`
    // answered A's data). Handed back as "modified", a document of several operations stays on
    // graphql-js's executor, which honours operationName.
    return operation.several ? { document } : undefined;
  });
  server.graphql.addHook('preSubscriptionExecution', async (_schema, document, context) => {
    const op = operationOf(document, names);
    assertCost(document, (context as { variables?: Record<string, unknown> }).variables, cfg.max_cost);
    recordGraphqlOperation(op.name, op.type, 'success');
  });

  if (cfg.playground) await server.register(playgroundPlugin);
};

export default graphqlPlugin;
