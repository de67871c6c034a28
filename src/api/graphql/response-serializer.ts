// How an executed operation's answer becomes JSON. Fastify would serialize it through Mercurius's
// route schema, which has two faults: its `data` is "any object", fast-json-stringify's generic
// path (11-16 µs of a 25-task list answer in a profile of `ratchet serve`, against 3-4 µs for
// REST's typed schema of the same rows), and it declares error paths as strings, so a list index
// came out as "0" where the GraphQL spec asks for the integer 0.
// - A repeated operation's error-free answer: graphql-jit derives from the operation's selection
//   set a JSON Schema of exactly what it returns and compiles a serializer from it.
// - Anything else: JSON.stringify. Errors arrive formatted (GraphQLError.toJSON: message,
//   locations, path, extensions), so nothing but the path's integers differs from the route's.
import type { FastifyReply } from 'fastify';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { JSON_CONTENT_TYPE } from '../../server/errors.ts';

type Serialize = (payload: unknown) => string;

interface Answer {
  data?: unknown;
  errors?: unknown;
  extensions?: unknown;
}

/** A document seen once is only remembered: compiling for a one-off query costs more than it saves. */
const SEEN_ONCE = 'seen-once';

/**
 * The typed serializer of `document`, compiled the second time it runs. None for a document with
 * several operations (the hook does not see which one runs) or one graphql-jit cannot describe
 * (the JSON scalar has no fixed shape).
 */
function compile(schema: GraphQLSchema, document: DocumentNode): Serialize | null {
  const operations = document.definitions.filter((d) => d.kind === 'OperationDefinition').length;
  if (operations !== 1) return null;
  try {
    const compiled = compileQuery(schema, document, undefined, { customJSONSerializer: true });
    return isCompiledQuery(compiled) ? compiled.stringify : null;
  } catch {
    return null;
  }
}

export class ResponseSerializers {
  // Keyed by the parsed document: Mercurius hands a repeated query text the same one (its query
  // cache), and an entry goes when the cache lets the document go.
  private readonly byDocument = new WeakMap<DocumentNode, Serialize | null | typeof SEEN_ONCE>();

  /** Makes `reply` serialize the answer of this operation (see the top of the file). */
  use(reply: FastifyReply, schema: GraphQLSchema, document: DocumentNode): void {
    const typed = this.typedFor(schema, document);
    // Fastify names JSON itself only when its own serializer runs; with ours it would name nothing.
    reply.type(JSON_CONTENT_TYPE);
    reply.serializer((payload: unknown) => {
      const a = payload as Answer;
      return typed && reply.statusCode === 200 && a.errors === undefined && a.extensions === undefined
        ? typed(a)
        : // In the route schema's key order: graphql-js puts errors first, graphql-jit data.
          JSON.stringify({ data: a.data, errors: a.errors, extensions: a.extensions });
    });
  }

  private typedFor(schema: GraphQLSchema, document: DocumentNode): Serialize | null {
    const known = this.byDocument.get(document);
    if (known === undefined) {
      this.byDocument.set(document, SEEN_ONCE);
      return null;
    }
    if (known !== SEEN_ONCE) return known;
    const typed = compile(schema, document);
    this.byDocument.set(document, typed);
    return typed;
  }
}
