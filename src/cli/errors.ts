/** CLI failures and their exit codes (design.md, "CLI conventions"). */

/** The command line itself is wrong (unknown option, missing argument, unreadable file): exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The input has errors (diagnostics already printed): exit 1. */
export class InputError extends Error {
  readonly exitCode = 1;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** The server answered a request of `--server` mode with a problem (RFC 9457): exit 1, no stack. */
export class ServerProblemError extends Error {
  readonly exitCode = 1;
  constructor(
    readonly server: string,
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly code?: string,
  ) {
    super(`${server}: ${status === 0 ? '' : `${status} `}${title}${detail !== '' ? `: ${detail}` : ''}${code !== undefined ? ` (${code})` : ''}`);
    this.name = 'ServerProblemError';
  }
}
