/**
 * How the CLI reports what went wrong: the core throws typed errors that
 * know nothing of the command line, and this maps them to flags, hints and
 * exit codes (0 success, 1 failure, 2 a usage mistake).
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 * import { reportError } from "./errors.ts";
 * reportError(new UsageError("--model is required")).exitCode; // 2
 * ```
 * @module
 */
import { ConfigError, WeightsMismatchError } from "@pointwise/core/lite";
import { flagProblem, UsageError } from "./args.ts";

/** What to print for an error, and the exit code. */
export interface ErrorReport {
  message: string;
  exitCode: 1 | 2;
  /** A usage mistake: the command's `--help` is worth pointing at. */
  usage: boolean;
}

/** The message and exit code of an error thrown by a command. */
export function reportError(e: unknown): ErrorReport {
  if (e instanceof UsageError) return { message: e.message, exitCode: 2, usage: true };
  // Settings given by the caller name their flags; settings read from a file name the file.
  if (e instanceof ConfigError && e.source === undefined) {
    return { message: e.problems.map(flagProblem).join("; "), exitCode: 2, usage: true };
  }
  if (e instanceof WeightsMismatchError) {
    return {
      message: `${e.message}\n(--allow-partial keeps what matches)`,
      exitCode: 1,
      usage: false,
    };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { message, exitCode: 1, usage: false };
}
