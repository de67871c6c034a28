// Errors the service layer raises for callers to act on. Adapters map them: REST → 400
// VALIDATION_ERROR, MCP → a tool error naming the paths, CLI → one line per violation.

export interface Violation {
  /** Readable JSON path of the failing value: `$`, `$.user.name`, `$.items[2]`. */
  path: string;
  message: string;
}

/** A request whose data breaks a rule (input schema, field range); lists every violation. */
export class ValidationError extends Error {
  readonly violations: Violation[];
  constructor(what: string, violations: Violation[]) {
    super(`${what}:\n${violations.map((v) => `  ${v.path} ${v.message}`).join('\n')}`);
    this.name = 'ValidationError';
    this.violations = violations;
  }
}

/** The queue refuses new work (server.job_queue.max_queue_size reached); REST maps it to 503. */
export class QueueFullError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueFullError';
  }
}

/** Work refused or ended because the server is shutting down; REST maps it to 503. */
export class ShuttingDownError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShuttingDownError';
  }
}
