// The faults a bench can impose on a board (DESIGN "Faults"): unplug and
// replug the USB cable, cut and restore power, press reset, change the
// link, fill the file system, and arm a fault at a point of a transfer.
import type { LinkOptions } from '../network/link.js';

export type TransferKind = 'ota' | 'dfu' | 'serial';
/** What a fault armed at a point of a transfer does to the board when it fires. */
export type TransferFault = 'power-cut' | 'reset' | 'unplug';

export interface SimFaults {
  /** USB goes away; the board keeps running. */
  unplug(): void;
  replug(): void;
  /** Everything stops; powerOn() boots again with reset reason power_down. */
  powerCut(): void;
  /** The reset button: reason pin_reset. */
  reset(): void;
  setLink(l: Partial<LinkOptions>): void;
  fillFs(percent: number): void;
  /** Fires `fault` once, when the next `transfer` reaches `percent`. */
  armAt(transfer: TransferKind, percent: number, fault: TransferFault): void;
}

/** The faults armed on a board's transfers, one per kind of transfer; each fires once. */
export class TransferFaults {
  private readonly armed = new Map<TransferKind, { percent: number; fault: TransferFault }>();

  constructor(private readonly fire: (fault: TransferFault) => void) {}

  arm(transfer: TransferKind, percent: number, fault: TransferFault): void {
    if (!(percent >= 0 && percent <= 100)) throw new TypeError(`Expected a percentage between 0 and 100, got ${String(percent)}`);
    this.armed.set(transfer, { percent, fault });
  }

  /** A transfer got this far (0-100). */
  reached(transfer: TransferKind, percent: number): void {
    const a = this.armed.get(transfer);
    if (!a || percent < a.percent) return;
    this.armed.delete(transfer);
    this.fire(a.fault);
  }
}
