// Test support for the GraphQL tests: the REST tests' application and server (withApi: a fresh
// database of either backend with the sample `addition` task, the real server on 127.0.0.1) and a
// GraphQL-over-HTTP client, plus a graphql-ws client on the same server.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Api } from '../rest/test-helpers.ts';

export { forEachApi, withApi, ADDITION, type Api } from '../rest/test-helpers.ts';

export interface GqlAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
  errors?: {
    message: string;
    path?: string[];
    locations?: unknown[];
    extensions: { code: string } & Record<string, unknown>;
  }[];
}

/** POSTs one GraphQL request to /graphql. */
export async function gql(
  api: Pick<Api, 'base'>,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GqlAnswer> {
  const res = await fetch(`${api.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(variables === undefined ? { query } : { query, variables }),
  });
  const text = await res.text();
  let body: { data?: unknown; errors?: GqlAnswer['errors'] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`/graphql answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, data: body.data, ...(body.errors ? { errors: body.errors } : {}) };
}

/** The official graphql-ws client on ws://…/graphql; connectionParams go into connection_init. */
export function wsClient(api: Pick<Api, 'base'>, connectionParams?: Record<string, unknown>): Client {
  return createClient({
    url: `${api.base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    lazy: true,
    retryAttempts: 0,
    ...(connectionParams ? { connectionParams } : {}),
  });
}

/** Collects a subscription's events until `until` says stop (or the server completes it). */
export function collect<T>(
  client: Client,
  query: string,
  variables: Record<string, unknown> | undefined,
  until: (events: T[]) => boolean,
): { events: T[]; done: Promise<T[]> } {
  const events: T[] = [];
  let cancel = (): void => undefined;
  const done = new Promise<T[]>((resolve, reject) => {
    cancel = client.subscribe<T>(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (v) => {
          if (v.errors) {
            reject(new Error(JSON.stringify(v.errors)));
            return;
          }
          events.push(v.data as T);
          if (until(events)) {
            cancel();
            resolve(events);
          }
        },
        error: (e) => reject(e instanceof Error ? e : new Error(JSON.stringify(e))),
        complete: () => resolve(events),
      },
    );
  });
  return { events, done };
}

/**
 * graphql-ws does not acknowledge a subscription, so a test cannot know when it is live: repeat
 * `trigger` (something the subscription reports) until the first event arrives.
 */
export async function triggerUntilEvent(events: unknown[], trigger: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 200 && events.length === 0; i++) {
    await trigger();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (events.length === 0) throw new Error('the subscription reported nothing in 200 tries');
}
