// What the board's lines around a serial flash mean (particle-facts §4).
import type { YmodemRefusal } from './errors.js';

export const PROMPT = /Waiting for the binary file to be sent/;
export const DOWNLOADED = /Downloaded file successfully!/;
export const RESTARTING = /Restarting system to apply firmware update/;

export type BoardVerdict =
  | { kind: 'refused'; reason: YmodemRefusal }
  /** `Failed to receive the file!`: the board lost the data (a link problem). */
  | { kind: 'receive-failed' };

const VERDICTS: Array<[RegExp, BoardVerdict]> = [
  [/Validation failed|Verification failed/, { kind: 'refused', reason: 'validation' }],
  [/higher than the allowed space memory/, { kind: 'refused', reason: 'too-big' }],
  [/flashing is no longer supported/, { kind: 'refused', reason: 'unsupported' }],
  [/Aborted by user/, { kind: 'refused', reason: 'aborted-on-board' }],
  [/Failed to receive the file/, { kind: 'receive-failed' }],
];

/** The failure a board line reports, if it reports one. */
export function verdictOf(line: string): BoardVerdict | undefined {
  return VERDICTS.find(([pattern]) => pattern.test(line))?.[1];
}
