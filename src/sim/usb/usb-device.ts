// One enumeration of a board on the bus: the identity it shows in its
// current mode, the function that answers its class/vendor requests, the
// alt settings chosen and which connection claimed which interface. A
// re-enumeration builds a new one (new devId, new address); the old one is
// disposed and every request naming it answers NO_DEVICE.
import { UsbStatus } from '../../protocol/usb-socket-frame.js';
import { interfacesOf, type ControlSetup, type ListedDevice } from '../../protocol/usb-socket-messages.js';
import type { SimBoard } from '../board/contract.js';
import { ParticleControl } from './control.js';
import { CdcAcm, type CdcLineDevice } from './cdc-acm.js';
import { describeDfu, describeSerial, type UsbIdentity } from './descriptors.js';
import { DfuseTarget } from './dfuse.js';
import { stall, type ControlOutcome, type DeviceFunction } from './control-outcome.js';
import { standardRequest } from './standard.js';

const FULL_SPEED = 2;

export interface Placement {
  devId: number;
  bus: number;
  address: number;
  port: number;
}

export class SimUsbDevice {
  readonly identity: UsbIdentity;
  private readonly fn: DeviceFunction;
  private readonly interfaces: Map<number, number[]>;
  private readonly alts = new Map<number, number>();
  private readonly claims = new Map<number, number>();
  private gone = false;

  constructor(
    readonly board: SimBoard,
    readonly presence: 'serial' | 'dfu',
    readonly at: Placement,
    /** The board's serial port as its CDC-ACM function carries it (a bus whose hosts read serial over USB). */
    serialLine?: CdcLineDevice,
  ) {
    this.identity = presence === 'dfu' ? describeDfu(board.platform, board.id) : describeSerial(board.platform, board.id);
    this.interfaces = interfacesOf(this.identity.config);
    this.fn = presence === 'dfu' ? new DfuseTarget(board, () => this.alts.get(0) ?? 0) : composite(new ParticleControl(board), new CdcAcm(serialLine));
  }

  get devId(): number {
    return this.at.devId;
  }

  get present(): boolean {
    return !this.gone;
  }

  listed(): ListedDevice {
    return {
      devId: this.at.devId,
      bus: this.at.bus,
      address: this.at.address,
      speed: FULL_SPEED,
      ports: [this.at.port],
      deviceDescriptor: this.identity.deviceDescriptor,
      config: this.identity.config,
    };
  }

  claim(iface: number, connection: number): number {
    if (!this.interfaces.has(iface)) return UsbStatus.notFound;
    const owner = this.claims.get(iface);
    if (owner !== undefined && owner !== connection) return UsbStatus.busy;
    this.claims.set(iface, connection);
    return UsbStatus.ok;
  }

  release(iface: number, connection: number): number {
    if (this.claims.get(iface) !== connection) return UsbStatus.notFound;
    this.claims.delete(iface);
    return UsbStatus.ok;
  }

  releaseAll(connection: number): void {
    for (const [iface, owner] of this.claims) if (owner === connection) this.claims.delete(iface);
  }

  setAlt(iface: number, alt: number, connection?: number): number {
    if (connection !== undefined && this.claims.get(iface) !== connection) return UsbStatus.notFound;
    if (!this.interfaces.get(iface)?.includes(alt)) return UsbStatus.notFound;
    this.alts.set(iface, alt);
    this.fn.altChanged?.(iface, alt);
    return UsbStatus.ok;
  }

  control(setup: ControlSetup, data: Buffer): ControlOutcome {
    const settings = {
      altOf: (iface: number) => (this.interfaces.has(iface) ? (this.alts.get(iface) ?? 0) : undefined),
      setAlt: (iface: number, alt: number) => this.setAlt(iface, alt),
    };
    return standardRequest(setup, this.identity, settings) ?? this.fn.control(setup, data) ?? stall();
  }

  /** A bulk/interrupt OUT transfer: bytes taken, or a libusb status (PIPE: no such endpoint). */
  transferOut(ep: number, data: Buffer): number {
    if (this.gone) return UsbStatus.noDevice;
    return this.fn.transferOut?.(ep, data) ?? UsbStatus.pipe;
  }

  /** A bulk/interrupt IN transfer, answered when the device has data; returns its cancel, or undefined when the endpoint does not exist. */
  transferIn(ep: number, max: number, deliver: (bytes: Buffer) => void): (() => void) | undefined {
    if (this.gone) return undefined;
    return this.fn.transferIn?.(ep, max, deliver);
  }

  dispose(): void {
    this.gone = true;
    this.claims.clear();
    this.fn.dispose?.();
  }
}

/** Several functions of one composite device: the first that claims a request answers it. */
function composite(...fns: DeviceFunction[]): DeviceFunction {
  return {
    control: (setup, data) => {
      for (const f of fns) {
        const out = f.control(setup, data);
        if (out) return out;
      }
      return undefined;
    },
    altChanged: (iface, alt) => fns.forEach((f) => f.altChanged?.(iface, alt)),
    dispose: () => fns.forEach((f) => f.dispose?.()),
    transferOut: (ep, data) => fns.reduce<number | undefined>((r, f) => r ?? f.transferOut?.(ep, data), undefined),
    transferIn: (ep, max, deliver) => fns.reduce<(() => void) | undefined>((r, f) => r ?? f.transferIn?.(ep, max, deliver), undefined),
  };
}
