// How a YMODEM transfer can fail, kept apart in types: the board refusing the
// image is a finding about the firmware; the link failing is infrastructure.
import { InfraError } from '../../core/errors.js';

/** Why the board refused, from its own words (particle-facts §4). */
export type YmodemRefusal =
  /** `Validation failed: <code>` (CRC, platform, address range...). */
  | 'validation'
  /** `The file size is higher than the allowed space memory!` */
  | 'too-big'
  /** Device OS 6.0+: `Serial/YModem flashing is no longer supported`. */
  | 'unsupported'
  /** `Aborted by user.`: someone pressed `a` on the board's side. */
  | 'aborted-on-board'
  /** The board cancelled (CA CA) without saying why. */
  | 'cancelled';

/** The board refused the image or the transfer. `boardMessages` are its lines, verbatim. */
export class YmodemRejectedError extends Error {
  readonly reason: YmodemRefusal;
  readonly boardMessages: string[];
  constructor(reason: YmodemRefusal, boardMessages: string[]) {
    const said = boardMessages.length > 0 ? boardMessages.join(' / ') : 'no message';
    super(`the board refused the serial (YMODEM) transfer (${reason}): ${said}`);
    this.name = 'YmodemRejectedError';
    this.reason = reason;
    this.boardMessages = boardMessages;
  }
}

export type YmodemPhase = 'handshake' | 'header' | 'data' | 'end' | 'result';

/** The serial link failed: port closed, nothing answered, too many retries, or the board lost the data. */
export class YmodemLinkError extends InfraError {
  readonly phase: YmodemPhase;
  readonly boardMessages: string[];
  constructor(message: string, phase: YmodemPhase, boardMessages: string[], options?: { cause?: unknown }) {
    super(`YMODEM ${phase}: ${message}`, 'check that the board is in listening mode and its serial port stays connected', options);
    this.name = 'YmodemLinkError';
    this.phase = phase;
    this.boardMessages = boardMessages;
  }
}

/** The caller's AbortSignal fired; the board was sent CA CA. */
export class YmodemAbortedError extends Error {
  readonly boardMessages: string[];
  constructor(boardMessages: string[], cause: unknown) {
    super('YMODEM transfer aborted by the rig', { cause });
    this.name = 'AbortError';
    this.boardMessages = boardMessages;
  }
}
