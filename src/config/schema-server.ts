// The `server` section: REST listener, database, rate limits, job queue, workers, auth, TLS, CORS,
// retention. Split from schema.ts only for size; see there for the conventions.
import { z } from 'zod';
import { port, seconds } from './schema-helpers.ts';
import { ipFiltering } from './schema-ip-filter.ts';

/** Accepted database URLs: SQLite files, in-memory SQLite, PostgreSQL. */
export const DATABASE_URL_PATTERN = /^(sqlite::memory:|sqlite:\/\/.+|postgres(ql)?:\/\/.+)$/;

const database = z
  .object({
    url: z
      .string()
      .regex(DATABASE_URL_PATTERN, {
        error: 'expected sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DB',
      })
      .default('sqlite://./data/ratchet.db')
      .meta({ secret: true })
      .describe(
        "Database URL: `sqlite://PATH` (relative paths resolve against the config file's folder), `sqlite::memory:`, or `postgres://user:password@host:5432/db` (the password is masked by `config show`)",
      ),
    max_connections: z.number().int().min(1).default(10).describe('Maximum pooled connections (PostgreSQL)'),
    connection_timeout: seconds('Time to wait for a database connection').default(30),
  })
  .strict();

const rateLimit = z
  .object({
    enabled: z.boolean().default(true).describe('Limit requests per client on the REST API'),
    requests_per_minute: z
      .number()
      .int()
      .min(1)
      .default(600)
      .describe('Sustained requests allowed per client per minute'),
    burst_size: z
      .number()
      .int()
      .min(1)
      .default(100)
      .describe('Requests a client may make at once above the sustained rate'),
  })
  .strict();

const jobQueue = z
  .object({
    max_queue_size: z
      .number()
      .int()
      .min(1)
      .default(100000)
      .describe('Queued jobs accepted before new submissions are refused'),
    default_retry_delay: seconds('Delay before the first retry of a failed job').default(5),
    default_max_retries: z
      .number()
      .int()
      .min(0)
      .default(3)
      .describe('Retries after the first attempt, unless the job sets its own'),
    max_retry_delay: seconds('Upper bound of the exponential retry delay').default(300),
    lease_seconds: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('How long a worker holds a claimed job before another may take it over'),
    poll_interval_ms: z
      .number()
      .int()
      .min(10)
      .default(1000)
      .describe('How often idle workers look for jobs, in milliseconds'),
    max_dequeue_batch_size: z
      .number()
      .int()
      .min(1)
      .default(128)
      .describe('Jobs a worker claims in one query (at most its free executor-thread queue entries)'),
    task_concurrency: z
      .record(z.string().min(1), z.number().int().min(1))
      .default({})
      .describe(
        "Most jobs of a task (by name) running at once across all workers, e.g. `{ report: 2 }`; with a `max_concurrency` in the task's metadata.json the lower limit applies",
      ),
  })
  .strict();

const workers = z
  .object({
    embedded: z
      .boolean()
      .default(true)
      .describe('Run workers inside `ratchet serve` (false: run `ratchet worker` processes)'),
    worker_count: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        'Executor threads of each worker (embedded in serve, or a `ratchet worker` process): each runs one job at a time; 0 means one per CPU core',
      ),
    processes: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(0)
      .describe(
        '`ratchet serve` also runs this many `ratchet worker` processes and supervises them: restarted when they exit or stop heartbeating (restart_on_crash), stopped with the server',
      ),
    restart_on_crash: z.boolean().default(true).describe('Restart a worker process that exits unexpectedly'),
    health_check_interval_seconds: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('Interval between worker health checks'),
    run_scheduler: z
      .boolean()
      .default(true)
      .describe(
        '`ratchet worker` also runs the cron scheduler (safe on every node: each tick is claimed once)',
      ),
    prefetch_per_thread: z
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(128)
      .describe(
        'Most claimed jobs held by each executor thread, so threads never wait for the next claim; a worker holds about 100 ms of runs per thread up to this, and at most 4 before it has timed a run (1: claim only for idle threads)',
      ),
    idle_thread_seconds: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe(
        'Executor threads start when work arrives and exit after this many seconds without a run, so an idle server holds none (each costs its own V8 heap and sandbox memory); 0 starts them all at start-up and keeps them',
      ),
    shutdown_grace_seconds: z
      .number()
      .int()
      .min(0)
      .default(30)
      .describe(
        'Time running jobs, synchronous executions and test runs get to finish on shutdown before their threads are ended',
      ),
  })
  .strict();

export const server = z
  .object({
    bind_address: z
      .string()
      .min(1)
      .default('127.0.0.1')
      .describe('Address the REST server listens on (0.0.0.0: all interfaces)'),
    port: port().default(8080).describe('Port of the REST server'),
    allowed_hosts: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Extra host names the server answers to in the Host header (besides the bind address; localhost, 127.0.0.1 and [::1] on a loopback bind; the machine\'s addresses on 0.0.0.0); "*" accepts any (only behind a proxy that checks Host)',
      ),
    database: database.prefault({}).describe('Where jobs, executions and tasks are stored'),
    rate_limit: rateLimit.prefault({}).describe('REST API rate limiting'),
    job_queue: jobQueue.prefault({}).describe('Durable job queue'),
    workers: workers.prefault({}).describe('Workers that execute jobs'),
    auth: z
      .object({
        required: z
          .union([z.literal('auto'), z.boolean()])
          .default('auto')
          .describe(
            'Require an API key: true, false, or "auto" (required unless bound to a loopback address)',
          ),
      })
      .strict()
      .prefault({})
      .describe('API authentication'),
    tls: z
      .object({
        cert: z.string().min(1).optional().describe('PEM certificate file; with `key`, serve HTTPS'),
        key: z.string().min(1).optional().describe('PEM private key file (a path)'),
      })
      .strict()
      .prefault({})
      .describe('HTTPS'),
    cors: z
      .object({
        origins: z
          .array(z.string().min(1))
          .default([])
          .describe('Origins allowed to call the API from a browser ("*" for any)'),
      })
      .strict()
      .prefault({})
      .describe('Cross-origin requests'),
    ip_filtering: ipFiltering('every request to `ratchet serve` (REST, /mcp, probes)'),
    body_limit_bytes: z
      .number()
      .int()
      .min(1)
      .default(1048576)
      .describe('Largest request body accepted, in bytes'),
    retention: z
      .object({
        completed_days: z
          .number()
          .int()
          .min(0)
          .default(30)
          .describe('Days completed jobs and executions are kept (0: forever)'),
        failed_days: z
          .number()
          .int()
          .min(0)
          .default(90)
          .describe('Days failed jobs and executions are kept (0: forever)'),
      })
      .strict()
      .prefault({})
      .describe('How long finished work is kept'),
  })
  .strict();
