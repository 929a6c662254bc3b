// How a simulated USB device answers one control transfer, and the small
// vocabulary every device function shares.
import { UsbStatus } from '../../protocol/usb-socket-frame.js';
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';

export interface ControlOutcome {
  /** Bytes transferred (>= 0) or a libusb error code (PIPE = stall). */
  status: number;
  /** IN data stage. */
  data?: Buffer;
  /**
   * Runs once the answer is on its way to the host: what a device does
   * after completing a request (reset, leave DFU, switch mode). A real board
   * acknowledges first and then drops off the bus.
   */
  after?: () => void;
}

/** A device's handling of class and vendor requests (standard requests are the bus's). */
export interface DeviceFunction {
  /** Undefined = not mine: the bus stalls it. */
  control(setup: ControlSetup, data: Buffer): ControlOutcome | undefined;
  /** SET_INTERFACE / libusb_set_interface_alt_setting happened. */
  altChanged?(iface: number, alt: number): void;
  /** The device left the bus: stop timers, drop state. */
  dispose?(): void;
  /** A bulk or interrupt OUT transfer to endpoint `ep`: bytes taken, or undefined = no such endpoint (it stalls). */
  transferOut?(ep: number, data: Buffer): number | undefined;
  /**
   * A bulk or interrupt IN transfer of up to `max` bytes from endpoint `ep`
   * (0x80 | number): `deliver` runs once there is data. Returns a cancel
   * (the host unlinked the transfer), or undefined = no such endpoint.
   */
  transferIn?(ep: number, max: number, deliver: (bytes: Buffer) => void): (() => void) | undefined;
}

export const stall = (): ControlOutcome => ({ status: UsbStatus.pipe });

/** An IN answer, cut to what the host asked for. */
export function answerIn(setup: ControlSetup, data: Buffer, after?: () => void): ControlOutcome {
  const cut = data.subarray(0, setup.wLength);
  return after ? { status: cut.length, data: cut, after } : { status: cut.length, data: cut };
}

/** An OUT request accepted whole. */
export function acceptOut(setup: ControlSetup, after?: () => void): ControlOutcome {
  return after ? { status: setup.wLength, after } : { status: setup.wLength };
}

/** bmRequestType bits 6..5: 0 standard, 1 class, 2 vendor. */
export function requestKind(bmRequestType: number): 'standard' | 'class' | 'vendor' | 'reserved' {
  return (['standard', 'class', 'vendor', 'reserved'] as const)[(bmRequestType >> 5) & 3] ?? 'reserved';
}
