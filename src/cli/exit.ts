// Turns whatever a command threw into one line and the exit code of its class.
// Stack traces only with RIG_DEBUG=1: a user gets the cause and the fix.
import { ExitCode, InfraError, InputError } from '../core/errors.js';
import { describeError } from '../runner/bail-out.js';

export { describeError };

export function exitCodeFor(err: unknown): number {
  if (err instanceof InputError) return ExitCode.badInput;
  if (err instanceof InfraError) return ExitCode.infrastructure;
  return ExitCode.infrastructure;
}

/** Input problems print compiler-style (file:line:col: message), one per line; the rest say `rig:`. */
export function errorLines(err: unknown): string {
  return err instanceof InputError ? `${err.format()}\n` : `rig: ${describeError(err)}\n`;
}

export function reportAndExit(err: unknown): never {
  process.stderr.write(errorLines(err));
  if (process.env.RIG_DEBUG === '1' && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  process.exit(exitCodeFor(err));
}
