// The rig's YMODEM sender: flashes a module over a board's serial port in
// listening mode (particle-facts §4), over any duplex byte stream (a
// serialport SerialPort for a real or a simulated board). It sends `f`, waits
// for the prompt or 'C', sends the header, 1024-byte data packets (128 for a
// short tail) with CRC-16, EOT and the empty header that ends the session,
// then reads the board's verdict.
import type { Duplex } from 'node:stream';
import { DOWNLOADED, PROMPT, RESTARTING, verdictOf } from './ymodem/board-messages.js';
import { YmodemAbortedError, YmodemLinkError, type YmodemPhase } from './ymodem/errors.js';
import { boardCancelled, exchange, write, type ExchangeLimits } from './ymodem/exchange.js';
import { CA, CRC_REQUEST, EOT, LARGE_BLOCK, SMALL_BLOCK, buildPacket, headerPayload } from '../protocol/ymodem.js';
import { Aborted, LinkClosed, ReplyReader, TIMEOUT } from './ymodem/reader.js';

export { YmodemAbortedError, YmodemLinkError, YmodemRejectedError } from './ymodem/errors.js';
export type { YmodemPhase, YmodemRefusal } from './ymodem/errors.js';

export interface YmodemProgress {
  bytes: number;
  total: number;
  percent: number;
}

export interface YmodemSendOptions {
  /** File name in the header packet. Default `binary`, as particle-cli sends. */
  name?: string;
  /** Send the listening-mode `f` command first. Default true. */
  sendCommand?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: YmodemProgress) => void;
  /** Wait for the prompt or 'C' after `f`. Default 10 s (particle-facts §4). */
  handshakeTimeoutMs?: number;
  /** Wait for each packet's answer before resending. Default 10 s. */
  packetTimeoutMs?: number;
  /** Resends per packet before giving up. Default 10. */
  maxRetries?: number;
  /** Wait for the board's verdict after the session. Default 10 s. */
  resultTimeoutMs?: number;
}

export interface YmodemResult {
  ok: true;
  /** The board's own lines (`Downloaded file successfully!`, `Size: ...`), verbatim. */
  boardMessages: string[];
  bytes: number;
  packets: number;
  resends: number;
}

/** After the prompt, how long a 'C' may take before the header goes out anyway (Device OS sends none). */
const PROMPT_SETTLE_MS = 100;

export async function sendYmodem(link: Duplex, image: Buffer, options: YmodemSendOptions = {}): Promise<YmodemResult> {
  const limits: ExchangeLimits = { packetTimeoutMs: options.packetTimeoutMs ?? 10_000, maxRetries: options.maxRetries ?? 10 };
  const reader = new ReplyReader(link, options.signal);
  let phase: YmodemPhase = 'handshake';
  let packets = 0;
  let resends = 0;
  try {
    if (options.signal?.aborted) throw new Aborted('aborted', { cause: options.signal.reason });
    await handshake(link, reader, options);
    phase = 'header';
    resends += await exchange(link, reader, buildPacket(0, headerPayload(options.name ?? 'binary', image.length), SMALL_BLOCK, 0), phase, limits);
    await invitation(reader, limits.packetTimeoutMs);
    phase = 'data';
    for (let offset = 0, seq = 1; offset < image.length; seq++) {
      const block = image.length - offset > SMALL_BLOCK ? LARGE_BLOCK : SMALL_BLOCK;
      const data = image.subarray(offset, offset + block);
      resends += await exchange(link, reader, buildPacket(seq, data, block), phase, limits);
      offset += data.length;
      packets++;
      options.onProgress?.({ bytes: offset, total: image.length, percent: Math.floor((offset * 100) / image.length) });
    }
    phase = 'end';
    resends += await exchange(link, reader, Buffer.of(EOT), phase, limits);
    resends += await exchange(link, reader, buildPacket(0, Buffer.alloc(0), SMALL_BLOCK, 0), phase, limits);
    phase = 'result';
    await verdict(reader, options.resultTimeoutMs ?? 10_000);
    return { ok: true, boardMessages: reader.messages(), bytes: image.length, packets, resends };
  } catch (e) {
    if (e instanceof Aborted) {
      if (link.writable) write(link, Buffer.of(CA, CA));
      throw new YmodemAbortedError(reader.messages(), options.signal?.reason);
    }
    if (e instanceof LinkClosed) throw new YmodemLinkError(`the serial port closed (${e.message})`, phase, reader.messages(), { cause: e });
    throw e;
  } finally {
    reader.dispose();
  }
}

async function handshake(link: Duplex, reader: ReplyReader, options: YmodemSendOptions): Promise<void> {
  if (options.sendCommand ?? true) write(link, Buffer.from('f', 'latin1'));
  const ms = options.handshakeTimeoutMs ?? 10_000;
  const got = await reader.until(() => {
    if (reader.lines.some((l) => verdictOf(l))) return 'refused' as const;
    for (let c = reader.takeControl(); c !== undefined; c = reader.takeControl()) {
      if (c === CA) return 'refused' as const;
      if (c === CRC_REQUEST) return 'ready' as const;
    }
    return reader.lines.some((l) => PROMPT.test(l)) ? ('prompt' as const) : undefined;
  }, ms);
  if (got === TIMEOUT) throw new YmodemLinkError(`no prompt and no 'C' within ${ms} ms of 'f'`, 'handshake', reader.messages());
  if (got === 'refused') await boardCancelled(reader, 'handshake');
  if (got === 'prompt') await reader.until(() => (reader.takeControl() === CRC_REQUEST ? true : undefined), PROMPT_SETTLE_MS);
  // Further 'C's were asked before the header existed; they answer nothing.
  reader.dropControls();
}

/** The board follows the header's ACK with 'C': data may go. A 'C' left queued would read as a NAK. */
async function invitation(reader: ReplyReader, ms: number): Promise<void> {
  const got = await reader.until(() => {
    for (let c = reader.takeControl(); c !== undefined; c = reader.takeControl()) {
      if (c === CRC_REQUEST) return 'go' as const;
      if (c === CA) return 'cancelled' as const;
    }
    return undefined;
  }, ms);
  if (got === 'cancelled') await boardCancelled(reader, 'header');
  if (got === TIMEOUT) throw new YmodemLinkError(`no 'C' after the header within ${ms} ms`, 'header', reader.messages());
}

async function verdict(reader: ReplyReader, ms: number): Promise<void> {
  const judge = (): 'ok' | 'failed' | undefined => {
    if (reader.lines.some((l) => verdictOf(l))) return 'failed';
    return reader.lines.some((l) => RESTARTING.test(l)) ? 'ok' : undefined;
  };
  const downloaded = (): boolean => reader.lines.some((l) => DOWNLOADED.test(l));
  let outcome: 'ok' | 'failed' | typeof TIMEOUT;
  try {
    outcome = await reader.until(judge, ms);
  } catch (e) {
    // The board resets right after a good download; the port vanishing then is success.
    if (e instanceof LinkClosed && judge() !== 'failed' && downloaded()) return;
    throw e;
  }
  if (outcome === 'failed') await boardCancelled(reader, 'result');
  if (outcome === TIMEOUT && !downloaded()) throw new YmodemLinkError(`no verdict from the board within ${ms} ms`, 'result', reader.messages());
}
