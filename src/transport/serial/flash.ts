// Serial flashing: the board in listening mode (already, or by the 28800
// trick), then a YMODEM transfer (src/transport/ymodem.ts) on the borrowed
// port. The board refusing the image is a FlashRejectedError in its own
// words; the link failing is an InfraError.
import type { SerialPort } from 'serialport';
import { type FlashProgress, type FlashReport } from '../../core/board-contract.js';
import { FlashRejectedError, InfraError } from '../../core/errors.js';
import { YmodemRejectedError, sendYmodem, type YmodemSendOptions } from '../ymodem.js';
import { LISTENING_BAUD } from './baud-trick.js';
import type { SerialLine } from './line.js';
import { answersListening } from './listening.js';
import { setBaud } from './port.js';

export interface SerialFlashOptions {
  signal?: AbortSignal;
  onProgress?: (p: FlashProgress) => void;
  /** Wall ms to wait for the port to be there. */
  timeoutMs?: number;
  /** Wall ms the board gets to enter listening mode. Default 3 s. */
  listenMs?: number;
  /** YMODEM waits (wall ms); defaults as in sendYmodem. */
  ymodem?: Pick<YmodemSendOptions, 'handshakeTimeoutMs' | 'packetTimeoutMs' | 'maxRetries' | 'resultTimeoutMs'>;
}

const PROBE_MS = 250;

async function intoListening(port: SerialPort, ms: number, signal?: AbortSignal): Promise<void> {
  if (await answersListening(port, PROBE_MS, signal)) return;
  await setBaud(port, LISTENING_BAUD);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await answersListening(port, PROBE_MS, signal)) return;
  }
  throw new InfraError(
    `the board did not enter listening mode within ${ms} ms of the 28800-baud request`,
    'put it in listening mode first (USB request or holding MODE); Device OS 6.0+ ignores the 28800-baud trick',
  );
}

export async function flashOverSerial(line: SerialLine, image: Buffer, o: SerialFlashOptions = {}): Promise<FlashReport> {
  const started = Date.now();
  return line.use(
    async (port) => {
      await intoListening(port, o.listenMs ?? 3000, o.signal);
      try {
        const result = await sendYmodem(port, image, {
          ...o.ymodem,
          signal: o.signal,
          onProgress: (p) => o.onProgress?.({ method: 'serial', percent: p.percent, bytes: p.bytes, total: p.total }),
        });
        return { method: 'serial', durationMs: Date.now() - started, messages: result.boardMessages };
      } catch (e) {
        if (e instanceof YmodemRejectedError) throw new FlashRejectedError(e.message, 'serial', e.boardMessages);
        throw e; // YmodemLinkError is an InfraError already; an abort stays an abort
      }
    },
    { timeoutMs: o.timeoutMs, signal: o.signal },
  );
}
