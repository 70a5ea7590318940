// The two ways a command ends without an API error, each with its exit code (see main.ts).

/** Wrong invocation: unknown command or flag, missing argument, bad value. Exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** The person answered no: nothing was done, and that is not an error of the program. Exit code 1. */
export class Aborted extends Error {
  constructor() {
    super("aborted: nothing was changed");
    this.name = "Aborted";
  }
}
