// The GraphiQL playground at /playground (and /graphiql), served entirely from this package: the
// page, GraphiQL's UMD build and stylesheet and React's UMD builds come from node_modules, the
// start-up script from here (a file, not inline, so the server's Content-Security-Policy holds).
// Mercurius's own `graphiql` option loads GraphiQL from a CDN, so it is not used.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';

const require = createRequire(import.meta.url);
const dirOf = (pkg: string): string => dirname(require.resolve(`${pkg}/package.json`));

export const ASSET_PREFIX = '/playground/assets/';

/** Asset name → where it lives; nothing else is ever read from disk. */
function assetFiles(): Record<string, { file: string; type: string }> {
  const graphiql = dirOf('graphiql');
  const js = 'text/javascript; charset=utf-8';
  return {
    'react.production.min.js': { file: join(dirOf('react'), 'umd/react.production.min.js'), type: js },
    'react-dom.production.min.js': {
      file: join(dirOf('react-dom'), 'umd/react-dom.production.min.js'),
      type: js,
    },
    'graphiql.min.js': { file: join(graphiql, 'graphiql.min.js'), type: js },
    'graphiql.min.css': { file: join(graphiql, 'graphiql.min.css'), type: 'text/css; charset=utf-8' },
    // The official graphql-ws client (global `graphqlWs`) for subscriptions.
    'graphql-ws.min.js': { file: join(dirOf('graphql-ws'), 'umd/graphql-ws.min.js'), type: js },
  };
}

/** The product brief's three examples, one tab each. */
export const EXAMPLE_TABS = [
  `# List all tasks
query {
  tasks {
    items {
      uuid
      label
      version
      description
    }
  }
}
`,
  `# Execute a task
mutation {
  executeTaskDirect(
    taskUuid: "550e8400-e29b-41d4-a716-446655440000"
    input: "{\\"num1\\": 5, \\"num2\\": 10}"
  ) {
    success
    output
    executionId
  }
}
`,
  `# Monitor job queue
query {
  jobs(status: PENDING) {
    items {
      id
      taskId
      status
      priority
      createdAt
    }
  }
}
`,
];

// Subscriptions go over graphql-ws on the same path. The header editor's headers (the API key)
// travel in connection_init, which is fixed per connection: one client per distinct header set.
const START = `(function () {
  var tabs = ${JSON.stringify(EXAMPLE_TABS.map((query) => ({ query })))};
  var wsUrl = (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + '/graphql';
  var byHeaders = {};
  function fetcherFor(headers) {
    var key = JSON.stringify(headers || {});
    if (!byHeaders[key]) {
      var wsClient = graphqlWs.createClient({ url: wsUrl, connectionParams: headers || {}, lazy: true });
      byHeaders[key] = GraphiQL.createFetcher({ url: '/graphql', wsClient: wsClient });
    }
    return byHeaders[key];
  }
  var fetcher = function (params, opts) {
    return fetcherFor(opts && opts.headers)(params, opts);
  };
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: tabs,
      // The API key is entered once here and kept in this browser (not needed on loopback).
      defaultHeaders: '{\\n  "X-API-Key": ""\\n}',
      shouldPersistHeaders: true,
      headerEditorEnabled: true,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex">
  <title>Ratchet GraphQL playground</title>
  <link rel="stylesheet" href="${ASSET_PREFIX}graphiql.min.css">
  <style>body { margin: 0; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the playground…</div>
  <script src="${ASSET_PREFIX}react.production.min.js"></script>
  <script src="${ASSET_PREFIX}react-dom.production.min.js"></script>
  <script src="${ASSET_PREFIX}graphiql.min.js"></script>
  <script src="${ASSET_PREFIX}graphql-ws.min.js"></script>
  <script src="${ASSET_PREFIX}playground.js"></script>
</body>
</html>
`;

export const playgroundPlugin: FastifyPluginAsync = async (server) => {
  const files = assetFiles();
  // The page and its assets are public like /docs: they hold no data; queries need a key as usual.
  for (const path of ['/playground', '/graphiql']) {
    server.get(path, { config: { access: 'public' } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(PAGE),
    );
  }
  server.get<{ Params: { name: string } }>(
    `${ASSET_PREFIX}:name`,
    { config: { access: 'public' } },
    async (request, reply) => {
      const { name } = request.params;
      if (name === 'playground.js') return reply.type('text/javascript; charset=utf-8').send(START);
      const asset = Object.hasOwn(files, name) ? files[name] : undefined;
      if (!asset)
        return reply.code(404).type('text/plain; charset=utf-8').send(`no playground asset "${name}"`);
      reply.header('cache-control', 'public, max-age=86400');
      return reply.type(asset.type).send(await readFile(asset.file));
    },
  );
};
