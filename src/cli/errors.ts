// Errors that carry a CLI exit code. Commands throw these; main.ts turns them into exit codes.

/** Wrong flags, bad arguments or an unloadable task: exit code 2 with a one-line message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Leave with this exit code; the command has already printed what the user needs. */
export class CliExit extends Error {
  readonly code: number;
  constructor(code: number) {
    super(`exit ${code}`);
    this.name = 'CliExit';
    this.code = code;
  }
}
