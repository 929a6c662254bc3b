// A board's listening-mode console: one-character commands (particle-facts
// §3) and, after `f`, a YMODEM receive whose image the board installs.
// Unknown keys are ignored, as the board does.
import type { SimBoard } from '../board/contract.js';
import { deviceOsHas } from '../../core/device-os.js';
import { CA } from '../../protocol/ymodem.js';
import { installedLines, refusedLine, unreceivedLine } from './flash-messages.js';
import { FLASH_PROMPT, FLASH_UNSUPPORTED, claimedReply, identityReply, macReply, systemInfoReply, versionReply } from './listening-replies.js';
import { YmodemReceiver, type ReceiveOutcome } from './ymodem-receiver.js';

/** The board as the serial endpoint drives it; `transferProgress` lets armed faults fire mid-transfer. */
export type SerialBoard = SimBoard & { transferProgress?(transfer: 'serial', percent: number): void };

export type SerialWrite = (bytes: Buffer | string) => void;

export class ListeningSession {
  #receiver: YmodemReceiver | undefined;
  #disposed = false;

  constructor(
    private readonly board: SerialBoard,
    private readonly write: SerialWrite,
    /** The least wall time the YMODEM receiver waits for a packet; default a real board's 5 s. */
    private readonly packetWaitWallMs?: number,
  ) {}

  get receiving(): boolean {
    return this.#receiver !== undefined;
  }

  feed(bytes: Buffer): void {
    for (let i = 0; i < bytes.length && !this.#disposed; i++) {
      if (this.#receiver) {
        this.#receiver.feed(bytes.subarray(i));
        return;
      }
      this.#command(String.fromCharCode(bytes[i] as number));
    }
  }

  dispose(): void {
    this.#disposed = true;
    this.#receiver?.dispose();
    this.#receiver = undefined;
  }

  #command(key: string): void {
    const b = this.board;
    switch (key) {
      case 'i': return this.write(identityReply(b));
      case 'v': return this.write(versionReply(b));
      case 's': return this.write(systemInfoReply(b));
      case 'm': return this.write(macReply(b));
      case 'c': return this.write(claimedReply(b));
      case 'f': return this.#flash();
      case 'x': return b.enterMode('normal');
      case 'L': return b.enterMode('safe');
      default: return;
    }
  }

  #flash(): void {
    if (deviceOsHas(this.board.deviceOsVersion, 'noSerialFlashing')) {
      this.write(FLASH_UNSUPPORTED);
      this.write(Buffer.of(CA, CA));
      return;
    }
    this.write(FLASH_PROMPT);
    this.#receiver = new YmodemReceiver({
      clock: this.board.clock,
      send: (bytes) => this.write(bytes),
      maxLength: largestDownload(this.board),
      progress: (received, total) => this.board.transferProgress?.('serial', total > 0 ? (received * 100) / total : 100),
      done: (outcome) => this.#received(outcome),
      ...(this.packetWaitWallMs === undefined ? {} : { packetWaitWallMs: this.packetWaitWallMs }),
    });
    this.#receiver.start();
  }

  #received(outcome: ReceiveOutcome): void {
    this.#receiver = undefined;
    if (this.#disposed) return;
    if (outcome.kind !== 'received') return this.write(unreceivedLine(outcome));
    const result = this.board.installImage(outcome.image, 'serial');
    // The board resets a moment after a good install; these lines go out first.
    this.write(result.ok ? installedLines(outcome.name, outcome.image.length) : refusedLine(result));
  }
}

/**
 * The most a serial download may carry: the OTA scratch area, or a system
 * part (Gen2 boards took system parts over serial). The board's install
 * check then judges the image against its own slot.
 */
function largestDownload(board: SimBoard): number {
  const sizes = board.slots().filter((s) => s.location === 't' || s.func === 's').map((s) => s.maxSize);
  return Math.max(0, ...sizes);
}
