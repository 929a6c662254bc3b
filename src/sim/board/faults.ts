// The faults a bench can impose on a board (DESIGN "Faults"): unplug and
// replug the USB cable, cut and restore power, press reset, change the
// link, fill the file system, and arm a fault at a point of a transfer.
import type { LinkOptions } from '../network/link.js';
import type { ArmedFault, SimBoardImpl, TransferKind } from './sim-board.js';

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
  armAt(transfer: TransferKind, percent: number, fault: ArmedFault): void;
}

export function faultsOf(board: SimBoardImpl): SimFaults {
  return {
    unplug: () => board.setPlugged(false),
    replug: () => board.setPlugged(true),
    powerCut: () => board.powerCut(),
    reset: () => board.reset('pin_reset'),
    setLink: (l) => board.changeLink(l),
    fillFs: (percent) => board.fs.fill(percent),
    armAt: (transfer, percent, fault) => board.arm(transfer, percent, fault),
  };
}
