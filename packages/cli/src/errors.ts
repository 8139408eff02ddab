/**
 * What an `autoflow` exit code means. Scripts can rely on these; docs/cli.md lists them.
 */
export const EXIT = {
  /** the command did what was asked */
  ok: 0,
  /** something is invalid or did not work out: a flow or event is invalid, a wait timed out */
  failed: 1,
  /** the command line is wrong: unknown command or option, missing argument, bad value */
  usage: 2,
  /** the API refused or failed: not found, conflict, unauthorised, server error, unreachable */
  api: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface Problem {
  path: string;
  message: string;
}

/** Base of the CLI's errors: each carries the exit code it ends the command with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line cannot be run as written (exit 2). */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** The input is invalid, or what the command waited for did not happen (exit 1). */
export class FailedError extends CliError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message, EXIT.failed, details);
  }
}

/** Statuses that mean "what you sent is invalid" rather than "the API would not do it". */
const INVALID_REQUEST_STATUSES: ReadonlySet<number> = new Set([400, 413, 415]);

/**
 * The API answered with an error (`{status, error, problems?}`) or could not be reached
 * (`status` 0). Invalid requests (400, 413, 415) end the command with 1, all others with 3.
 */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message, INVALID_REQUEST_STATUSES.has(status) ? EXIT.failed : EXIT.api, { status, ...(problems.length > 0 ? { problems } : {}) });
  }
}
