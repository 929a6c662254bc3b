// The three classes of failure the rig keeps apart, in types, not strings:
// bad input (exit 2), infrastructure (exit 3), and the firmware under test
// failing (exit 1, carried by StepResult, not by exceptions).
import type { FlashMethod } from './domain.js';
import { formatDuration } from './duration.js';

export const ExitCode = { ok: 0, testFailed: 1, badInput: 2, infrastructure: 3 } as const;

export interface SourcePlace {
  file: string;
  line?: number;
  column?: number;
}

/** Wrong plan, bench, argument or firmware file. One line: file:line:col: message. */
export class InputError extends Error {
  readonly place: SourcePlace | undefined;
  readonly fix: string | undefined;
  constructor(message: string, place?: SourcePlace, fix?: string) {
    super(message);
    this.name = 'InputError';
    this.place = place;
    this.fix = fix;
  }

  /** The one line a user sees. */
  format(): string {
    const where = this.place
      ? [this.place.file, this.place.line, this.place.column].filter((x) => x !== undefined).join(':') + ': '
      : '';
    return `${where}${this.message}${this.fix ? ` (${this.fix})` : ''}`;
  }
}

/** The rig could not reach or drive a board, a tool or the cloud. */
export class InfraError extends Error {
  readonly fix: string | undefined;
  constructor(message: string, fix?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraError';
    this.fix = fix;
  }
  format(): string {
    return `${this.message}${this.fix ? ` (${this.fix})` : ''}`;
  }
}

/** A wait ran past its limit. Whether that is infrastructure or a test failure is the caller's call. */
export class TimeoutError extends Error {
  readonly waitedMs: number;
  constructor(what: string, waitedMs: number) {
    super(`${what} did not happen within ${waitedMs} ms`);
    this.name = 'TimeoutError';
    this.waitedMs = waitedMs;
  }
}

/** The bench cannot do this (no hub port named, no bench control, no cloud): the step is a SKIP. */
export class UnsupportedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UnsupportedError';
  }
}

/** A flash the board (not the bench) refused: a firmware failure, with the board's own words. */
export class FlashRejectedError extends Error {
  constructor(
    message: string,
    readonly method: FlashMethod,
    readonly boardMessages: string[],
  ) {
    super(message);
    this.name = 'FlashRejectedError';
  }
}

/**
 * A limit the plan itself set ran out (a step's `timeout`, the plan's
 * `timeout`): the board did not do it in time, which is the firmware's
 * failure, not the bench's. The runner aborts a step's signal with one.
 */
export class DeadlineError extends Error {
  constructor(readonly what: string, readonly limitMs: number) {
    super(`${what} did not finish within ${formatDuration(limitMs)}`);
    this.name = 'DeadlineError';
  }
}
