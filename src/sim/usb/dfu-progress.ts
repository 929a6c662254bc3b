// How far a DFU download is, for faults armed at "N% of a DFU transfer".
// DFU itself never says how long the image is; the module prefix does. The
// first block written at an image's start carries the prefix (offset 0 for
// user parts, the platform's prefix offset for system parts) whose end
// address gives the file length; every later write inside it adds up.
import type { SimBoard } from '../board/contract.js';

/** Boards that take transfer progress (the simulated board does; the contract leaves it optional). */
interface TakesTransferProgress {
  transferProgress(transfer: 'dfu' | 'serial' | 'usb', percent: number): void;
}

export const takesProgress = (b: SimBoard): b is SimBoard & TakesTransferProgress =>
  typeof (b as Partial<TakesTransferProgress>).transferProgress === 'function';

export class DfuProgressMeter {
  private image: { start: number; length: number; written: number } | undefined;

  constructor(private readonly board: SimBoard) {}

  /** The board accepted `length` bytes at `address`; `data` is what was written. */
  wrote(address: number, data: Buffer): void {
    const found = this.prefixAt(address, data);
    if (found) this.image = { start: address, length: found, written: 0 };
    const img = this.image;
    if (!img || address < img.start || address >= img.start + img.length) return;
    img.written += Math.min(data.length, img.start + img.length - address);
    const percent = Math.min(100, (img.written / img.length) * 100);
    if (takesProgress(this.board)) this.board.transferProgress('dfu', percent);
  }

  /** The file length a module prefix at the start of this block announces, if it has one. */
  private prefixAt(address: number, data: Buffer): number | undefined {
    for (const offset of new Set([0, this.board.platform.systemPrefixOffset])) {
      if (data.length < offset + 8) continue;
      const start = data.readUInt32LE(offset);
      const end = data.readUInt32LE(offset + 4);
      if (start === address && end > start && end - start < 16 * 1024 * 1024) return end - start + 4;
    }
    return undefined;
  }
}
