// The faults a bench can impose on a board (DESIGN "Faults"): unplug and
// replug the USB cable, cut and restore power, press reset, change the
// link, fill the file system, and arm a fault at a point of a transfer.
// An armed fault is part of the plan's experiment, so the bench keeps its
// story for the rig to read back: how far its transfer got, and whether and
// where it fired.
import type { LinkOptions } from '../network/link.js';

export type TransferKind = 'ota' | 'dfu' | 'serial' | 'usb';
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
  /** The faults armed since the last disarm: waiting, or fired and where. */
  armedFaults(): ArmedFaultRecord[];
  /** Disarms the faults still waiting and forgets the fired ones (of one transfer, or all); returns them as they stood. */
  disarm(transfer?: TransferKind): ArmedFaultRecord[];
}

/** One fault armed at a transfer, as the bench tells it. */
export interface ArmedFaultRecord {
  transfer: TransferKind;
  percent: number;
  fault: TransferFault;
  /** How far the transfer got while the fault was armed (0-100); undefined when it never began. */
  reachedPercent: number | undefined;
  /** Where it fired: the transfer's percentage then, and the wall ms. */
  fired?: { percent: number; atMs: number };
}

/** The faults armed on a board's transfers, one per kind of transfer; each fires once. */
export class TransferFaults {
  private records: ArmedFaultRecord[] = [];

  constructor(private readonly fire: (fault: TransferFault) => void) {}

  arm(transfer: TransferKind, percent: number, fault: TransferFault): void {
    if (!(percent >= 0 && percent <= 100)) throw new TypeError(`Expected a percentage between 0 and 100, got ${String(percent)}`);
    // A new fault for a transfer replaces one still waiting there.
    this.records = this.records.filter((r) => r.fired || r.transfer !== transfer);
    this.records.push({ transfer, percent, fault, reachedPercent: undefined });
  }

  /** A transfer got this far (0-100). */
  reached(transfer: TransferKind, percent: number): void {
    const a = this.records.find((r) => !r.fired && r.transfer === transfer);
    if (!a) return;
    a.reachedPercent = Math.max(a.reachedPercent ?? 0, percent);
    if (percent < a.percent) return;
    a.fired = { percent, atMs: Date.now() };
    this.fire(a.fault);
  }

  list(): ArmedFaultRecord[] {
    return this.records.map((r) => ({ ...r, ...(r.fired ? { fired: { ...r.fired } } : {}) }));
  }

  disarm(transfer?: TransferKind): ArmedFaultRecord[] {
    const was = this.list().filter((r) => !transfer || r.transfer === transfer);
    this.records = transfer ? this.records.filter((r) => r.transfer !== transfer) : [];
    return was;
  }
}
