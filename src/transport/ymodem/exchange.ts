// Sends one packet and waits for the board's answer: ACK moves on, NAK (or a
// 'C' during data, which Device OS sends after its own timeout) asks for the
// packet again, CA means the board gave up, and what it printed says why.
import type { Duplex } from 'node:stream';
import { verdictOf } from './board-messages.js';
import { YmodemLinkError, YmodemRejectedError, type YmodemPhase } from './errors.js';
import { ACK, CA, CRC_REQUEST, NAK } from '../../protocol/ymodem.js';
import { TIMEOUT, type ReplyReader } from './reader.js';

export interface ExchangeLimits {
  packetTimeoutMs: number;
  maxRetries: number;
}

/** After CA, how long the board gets to print its reason. */
const REASON_GRACE_MS = 1000;

export function write(link: Duplex, bytes: Buffer): void {
  // A failed write surfaces as the link's 'error'/'close', which the reader turns into LinkClosed.
  link.write(bytes, () => undefined);
}

/** Sends `packet` until it is ACKed; returns how many resends it took. */
export async function exchange(link: Duplex, reader: ReplyReader, packet: Buffer, phase: YmodemPhase, limits: ExchangeLimits): Promise<number> {
  for (let attempt = 0; attempt <= limits.maxRetries; attempt++) {
    write(link, packet);
    const reply = await reader.until(() => nextAnswer(reader, phase), limits.packetTimeoutMs);
    if (reply === ACK) return attempt;
    if (reply === CA) return boardCancelled(reader, phase);
  }
  throw new YmodemLinkError(`no ACK after ${limits.maxRetries + 1} attempts`, phase, reader.messages());
}

function nextAnswer(reader: ReplyReader, phase: YmodemPhase): number | undefined {
  for (let c = reader.takeControl(); c !== undefined; c = reader.takeControl()) {
    // A 'C' around a header is the board's invitation to send, not an answer.
    if (c === CRC_REQUEST && phase !== 'data') continue;
    if (c === ACK || c === CA) return c;
    if (c === NAK || c === CRC_REQUEST) return NAK;
  }
  return undefined;
}

/** The board cancelled: wait briefly for its reason, then fail with it. */
export async function boardCancelled(reader: ReplyReader, phase: YmodemPhase): Promise<never> {
  const verdict = await reader
    .until(() => reader.lines.map(verdictOf).find((v) => v !== undefined), REASON_GRACE_MS)
    .catch(() => reader.lines.map(verdictOf).find((v) => v !== undefined) ?? TIMEOUT);
  const said = reader.messages();
  if (verdict === TIMEOUT) throw new YmodemRejectedError('cancelled', said);
  if (verdict.kind === 'receive-failed') throw new YmodemLinkError('the board failed to receive the file', phase, said);
  throw new YmodemRejectedError(verdict.reason, said);
}
