// A device on a USB-over-socket bus dressed as a node-usb `usb.Device`, the
// object particle-usb's `openNativeUsbDevice` wraps (particle-usb
// src/usb-device-node.js uses exactly: timeout, the `particle` scratch
// property, open(), close(), deviceDescriptor, getStringDescriptor(),
// controlTransfer() and interface(n).claim()/release()/setAltSetting()).
// node-usb's open(), close() and claim() are synchronous; over a socket they
// are requests, so they are issued at once and later calls wait behind them
// (the bus answers one connection in order). A failed claim surfaces at the
// next call on the device, as the BUSY a real second claimer would get.
import type { UsbSocketClient } from './client.js';
import { ownConnection } from './bus-connection.js';
import { controlIn, controlOut, deviceCall, interfaceCall, readString, setAltSetting } from './device-calls.js';
import { Op } from '../../protocol/usb-socket-frame.js';
import { interfacesOf, isDeviceToHost, type ListedDevice } from '../../protocol/usb-socket-messages.js';

type Callback<T> = (error: Error | undefined, value?: T) => void;

/** The fields of node-usb's deviceDescriptor that particle-usb reads. */
export interface NodeUsbDeviceDescriptor {
  bcdUSB: number;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  iManufacturer: number;
  iProduct: number;
  iSerialNumber: number;
}

export interface NodeUsbInterface {
  claim(): void;
  release(callback: (error?: Error) => void): void;
  setAltSetting(alt: number, callback: (error?: Error) => void): void;
}

function settle<T>(work: Promise<T>, callback: Callback<T>): void {
  work.then(
    (v) => callback(undefined, v),
    (e: unknown) => callback(e instanceof Error ? e : new Error(String(e))),
  );
}

export class UsbSocketNativeDevice {
  /** Control transfer timeout in ms; particle-usb sets 5000. */
  timeout = 1000;
  /** particle-usb keeps its open state here (node-usb device objects are cached). */
  particle?: unknown;
  readonly deviceDescriptor: NodeUsbDeviceDescriptor;
  private readonly interfaces: Map<number, number[]>;
  private session: Promise<UsbSocketClient> | undefined;
  private pendingClaim: Promise<void> | undefined;

  /**
   * @param knownStrings string descriptors by index that a listing of this
   * enumeration already read: they cannot change before the next one, so
   * they are not asked again.
   */
  constructor(
    readonly socketPath: string,
    readonly listed: ListedDevice,
    private readonly knownStrings: ReadonlyMap<number, string> = new Map(),
  ) {
    const d = listed.deviceDescriptor;
    this.deviceDescriptor = {
      bcdUSB: d.readUInt16LE(2),
      idVendor: d.readUInt16LE(8),
      idProduct: d.readUInt16LE(10),
      bcdDevice: d.readUInt16LE(12),
      iManufacturer: d.readUInt8(14),
      iProduct: d.readUInt8(15),
      iSerialNumber: d.readUInt8(16),
    };
    this.interfaces = interfacesOf(listed.config);
  }

  get devId(): number {
    return this.listed.devId;
  }

  /** Opens a connection of its own and the device on it (errors surface at the next call). */
  open(): void {
    if (this.session) return;
    // An idle device never holds the process open; a call in flight does (its timer).
    const session = ownConnection(this.socketPath).then(async (client) => {
      try {
        await deviceCall(client, Op.open, this.devId);
      } catch (err) {
        client.close();
        throw err;
      }
      return client;
    });
    session.catch(() => undefined); // reported by the call that needs it
    this.session = session;
  }

  /** Closes the device and its connection; the bus drops this connection's claims. */
  close(): void {
    const session = this.session;
    this.session = undefined;
    this.pendingClaim = undefined;
    session?.then(
      (client) => deviceCall(client, Op.close, this.devId).catch(() => undefined).finally(() => client.close()),
      () => undefined,
    );
  }

  /** The connection, once earlier claims are answered; a failed claim rejects here. Taken synchronously, in call order. */
  private ready(): Promise<UsbSocketClient> {
    const session = this.session;
    if (!session) return Promise.reject(new Error('LIBUSB_ERROR_IO: device is not open'));
    const claim = this.pendingClaim;
    this.pendingClaim = undefined;
    return claim ? Promise.all([session, claim]).then(([client]) => client) : session;
  }

  getStringDescriptor(index: number, callback: Callback<string>): void {
    const known = this.knownStrings.get(index);
    if (known !== undefined && this.session) {
      settle(this.ready().then(() => known), callback);
      return;
    }
    settle(
      this.ready().then((c) => readString(c, this.devId, index, this.timeout)),
      callback,
    );
  }

  controlTransfer(bmRequestType: number, bRequest: number, wValue: number, wIndex: number, dataOrLength: Buffer | number, callback: Callback<Buffer | number>): void {
    const work = this.ready().then((c): Promise<Buffer | number> => {
      if (isDeviceToHost(bmRequestType)) {
        const wLength = typeof dataOrLength === 'number' ? dataOrLength : dataOrLength.length;
        return controlIn(c, this.devId, { bmRequestType, bRequest, wValue, wIndex, wLength }, this.timeout);
      }
      const data = typeof dataOrLength === 'number' ? Buffer.alloc(0) : dataOrLength;
      return controlOut(c, this.devId, { bmRequestType, bRequest, wValue, wIndex }, data, this.timeout);
    });
    settle<Buffer | number>(work, callback);
  }

  interface(iface: number): NodeUsbInterface | undefined {
    if (!this.interfaces.has(iface)) return undefined;
    return {
      claim: () => {
        const claim = this.ready().then((c) => interfaceCall(c, Op.claim, this.devId, iface));
        claim.catch(() => undefined); // reported by the next call
        this.pendingClaim = claim;
      },
      release: (callback) => settle(this.ready().then((c) => interfaceCall(c, Op.release, this.devId, iface)), callback),
      setAltSetting: (alt, callback) => settle(this.ready().then((c) => setAltSetting(c, this.devId, iface, alt)), callback),
    };
  }
}
