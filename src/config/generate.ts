// Commented starting configurations for `ratchet config generate`. Each one must load with
// loadConfig() unchanged (generate.test.ts checks), so a generated file is never the first problem.

export const TEMPLATE_TYPES = ['minimal', 'dev', 'production'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export function isTemplateType(value: string): value is TemplateType {
  return (TEMPLATE_TYPES as readonly string[]).includes(value);
}

const HEADER = `# Ratchet configuration. Every key is optional; docs/configuration.md lists them all.
# Any key can also be set from the environment: RATCHET_ + the key path upper-cased, levels joined
# by "__" (RATCHET_SERVER__PORT=9000). RATCHET_DATABASE_URL sets server.database.url.
# Relative paths below are taken from this file's folder.
`;

const MINIMAL = `${HEADER}
# Everything not written here uses its default: REST on 127.0.0.1:8080, a SQLite database at
# ./data/ratchet.db under the current directory, workers inside \`ratchet serve\`.
logging:
  level: info # trace | debug | info | warn | error | fatal | silent
`;

const DEV = `${HEADER}
server:
  bind_address: "127.0.0.1" # only this machine can connect
  port: 8080
  database:
    url: "sqlite://./data/ratchet-dev.db" # or "sqlite::memory:" for a throwaway database
  auth:
    required: false # no API key needed locally
  workers:
    embedded: true # run jobs inside \`ratchet serve\`
    worker_count: 2

registry:
  sources:
    - name: "local"
      uri: "file://./tasks" # a folder of tasks next to this file
      config:
        watch: true # reload tasks when their files change

execution:
  max_execution_duration: 60 # seconds; fail fast while developing
  validate_schemas: true

http:
  timeout: 30 # seconds, for fetch() inside tasks

logging:
  level: debug
  format: pretty # readable in a terminal

mcp:
  enabled: true
  transport: stdio # for MCP clients that start \`ratchet mcp-serve\` themselves
`;

const PRODUCTION = `${HEADER}
server:
  bind_address: "0.0.0.0" # listen on every interface; put TLS or a proxy in front
  port: 8080
  database:
    # PostgreSQL lets several \`ratchet serve\` / \`ratchet worker\` processes share one queue.
    # Replace CHANGE_ME, or leave the password out here and set RATCHET_DATABASE_URL instead.
    url: "postgres://ratchet:CHANGE_ME@db.example.com:5432/ratchet"
    max_connections: 20
    connection_timeout: 30
  auth:
    required: true # every API call needs an API key
  rate_limit:
    enabled: true
    requests_per_minute: 600
    burst_size: 100
  job_queue:
    max_queue_size: 100000
    default_retry_delay: 5 # seconds before the first retry; doubles each time
    default_max_retries: 3
    max_retry_delay: 300
  workers:
    embedded: true
    worker_count: 0 # one per CPU core
    restart_on_crash: true
    health_check_interval_seconds: 30
  # tls:
  #   cert: "/etc/ratchet/tls/cert.pem"
  #   key: "/etc/ratchet/tls/key.pem"
  cors:
    origins: [] # e.g. ["https://console.example.com"]
  retention:
    completed_days: 30
    failed_days: 90

registry:
  sources:
    - name: "tasks"
      uri: "file:///srv/ratchet/tasks"
      config:
        watch: false # true reloads tasks whenever their files change
  cache_dir: "/var/lib/ratchet/repos"

execution:
  max_execution_duration: 300
  validate_schemas: true
  default_memory_limit: "128MB"
  max_memory_limit: "1GB"

http:
  timeout: 30
  max_redirects: 10
  user_agent: "Ratchet/1.0"
  verify_ssl: true
  denied_hosts: ["169.254.169.254", "metadata.google.internal"] # keep tasks away from cloud metadata

logging:
  level: info
  format: json # one JSON object per line for log collectors

mcp:
  enabled: true
  transport: http
  host: "127.0.0.1"
  port: 8090
  endpoint: "/mcp"
`;

const TEMPLATES: Record<TemplateType, string> = { minimal: MINIMAL, dev: DEV, production: PRODUCTION };

export function configTemplate(type: TemplateType): string {
  return TEMPLATES[type];
}
