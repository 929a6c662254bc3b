// The simulated USB bus served over USB/IP (src/protocol/usbip.ts), so a
// real Linux kernel (vhci-hcd) can attach each board as the USB device it is
// in its current mode. A second front-end of the very devices the socket bus
// serves (SimUsbBus, SimUsbDevice): same descriptors, same Particle control
// requests, same DfuSe target, plus the CDC-ACM data endpoints carrying the
// board's serial port. A board's bus ID is "<bus>-<port>" and stays; each
// enumeration is a new device number. When the device an import serves
// leaves the bus (mode change, reset, power cut, unplug) its connection
// ends, which the kernel sees as an unplug; the board's next device is
// offered anew for a client to import (the kernel bench's attach agent does).
import { createServer, type Server, type Socket } from 'node:net';
import type { SimBoard } from '../board/contract.js';
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';
import { UsbStatus } from '../../protocol/usb-socket-frame.js';
import {
  Cmd, DIR_IN, encodeDevlistReply, encodeImportReply, encodeRetSubmit, encodeRetUnlink, ImportStatus, Op,
  OP_HEADER_LENGTH, decodeOpHeader, takeUrbCommand, UrbStatus, UsbSpeed, type UrbCommand, type UsbipDevice, type UsbipInterface,
} from '../../protocol/usbip.js';
import type { BusSlot, SimUsbBus } from './bus.js';
import type { SimUsbDevice } from './usb-device.js';

export interface UsbipServerOptions {
  bus: SimUsbBus;
  /** Default 127.0.0.1 (a QEMU guest reaches it as the user network's gateway, 10.0.2.2). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Told of each import: how long after the device enumerated a client attached it (the re-attach latency a kernel sees). */
  onImport?: (e: UsbipImportEvent) => void;
}

export interface UsbipImportEvent {
  busid: string;
  devnum: number;
  idProduct: number;
  /** Wall ms from the device's enumeration to its import. */
  afterMs: number;
}

export interface SimUsbipServer {
  readonly host: string;
  readonly port: number;
  /** The bus ID a board is exported under ("1-2"), whatever its mode. */
  busidOf(board: SimBoard): string | undefined;
  close(): Promise<void>;
}

/** How long a leaving device's connection may take to flush its last answers before it is cut. */
const DETACH_FLUSH_MS = 1000;
/** An operation header and an import's bus ID must arrive within this (wall ms). */
const REQUEST_TIMEOUT_MS = 10_000;

const busidOf = (bus: SimUsbBus, slot: Pick<BusSlot, 'port'>): string => `${bus.busNumber}-${slot.port}`;

/** Alt setting 0 of each interface, in order, as the device list carries them. */
function interfacesOf(config: Buffer): UsbipInterface[] {
  const found: UsbipInterface[] = [];
  for (let at = 0; at + 1 < config.length && config[at]! > 0; at += config[at]!) {
    if (config[at + 1] === 4 && config[at + 3] === 0) {
      found.push({ bInterfaceClass: config[at + 5]!, bInterfaceSubClass: config[at + 6]!, bInterfaceProtocol: config[at + 7]! });
    }
  }
  return found;
}

export function usbipDeviceOf(bus: SimUsbBus, slot: BusSlot & { device: SimUsbDevice }): UsbipDevice {
  const d = slot.device.identity.deviceDescriptor;
  const config = slot.device.identity.config;
  const busid = busidOf(bus, slot);
  return {
    path: `/sys/devices/platform/rig-sim/usb${bus.busNumber}/${busid}`,
    busid,
    busnum: bus.busNumber,
    devnum: slot.device.at.address,
    speed: UsbSpeed.full,
    idVendor: d.readUInt16LE(8),
    idProduct: d.readUInt16LE(10),
    bcdDevice: d.readUInt16LE(12),
    bDeviceClass: d[4]!,
    bDeviceSubClass: d[5]!,
    bDeviceProtocol: d[6]!,
    bConfigurationValue: config[5]!,
    bNumConfigurations: d[17]!,
    bNumInterfaces: config[4]!,
    interfaces: interfacesOf(config),
  };
}

const present = (s: BusSlot): s is BusSlot & { device: SimUsbDevice } => s.device !== undefined;

function setupOf(b: Buffer): ControlSetup {
  return { bmRequestType: b[0]!, bRequest: b[1]!, wValue: b.readUInt16LE(2), wIndex: b.readUInt16LE(4), wLength: b.readUInt16LE(6) };
}

/** A libusb status from the device model as a URB's completion status. */
const urbStatus = (status: number): number => (status >= 0 ? UrbStatus.ok : status === UsbStatus.pipe ? UrbStatus.stall : status === UsbStatus.noDevice ? UrbStatus.noDevice : UrbStatus.protocol);

/** One imported device: its URBs, until the device leaves or the client hangs up. */
class Import {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly waiting = new Map<number, () => void>();
  private ended = false;

  constructor(
    readonly socket: Socket,
    readonly device: SimUsbDevice,
  ) {
    socket.on('close', () => this.stop());
  }

  feed(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    for (;;) {
      let next: ReturnType<typeof takeUrbCommand>;
      try {
        next = takeUrbCommand(this.buffered);
      } catch {
        this.socket.destroy(); // a peer that breaks the protocol cannot be answered
        return;
      }
      if (!next) return;
      this.buffered = this.buffered.subarray(next.length);
      this.run(next.command);
    }
  }

  /** The device left the bus: the client sees an unplug once the answers already given are out. */
  detach(): void {
    if (this.ended) return;
    this.stop();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), DETACH_FLUSH_MS).unref();
  }

  private stop(): void {
    this.ended = true;
    for (const cancel of this.waiting.values()) cancel();
    this.waiting.clear();
  }

  private send(bytes: Buffer): void {
    if (!this.ended && this.socket.writable) this.socket.write(bytes);
  }

  private run(c: UrbCommand): void {
    if (this.ended) return;
    if (c.command === Cmd.unlink) {
      const cancel = this.waiting.get(c.unlinkSeqnum);
      this.waiting.delete(c.unlinkSeqnum);
      cancel?.();
      // Unlinked before it completed: its RET_SUBMIT never comes. Else it already completed.
      this.send(encodeRetUnlink(c.seqnum, cancel ? UrbStatus.unlinked : UrbStatus.ok));
      return;
    }
    const isIn = c.direction === DIR_IN;
    if (c.ep === 0) {
      const setup = setupOf(c.setup);
      const out = this.device.control(setup, isIn ? Buffer.alloc(0) : c.data);
      const data = isIn && out.status >= 0 ? (out.data ?? Buffer.alloc(0)).subarray(0, c.transferBufferLength) : undefined;
      this.send(encodeRetSubmit(c.seqnum, urbStatus(out.status), data ? data.length : Math.max(0, out.status), data));
      out.after?.(); // the device acknowledges, then resets or leaves
      return;
    }
    if (!isIn) {
      const n = this.device.transferOut(c.ep, c.data);
      this.send(encodeRetSubmit(c.seqnum, urbStatus(n), Math.max(0, n)));
      return;
    }
    let done = false;
    const cancel = this.device.transferIn(0x80 | c.ep, c.transferBufferLength, (bytes) => {
      done = true;
      this.waiting.delete(c.seqnum);
      this.send(encodeRetSubmit(c.seqnum, UrbStatus.ok, bytes.length, bytes));
    });
    if (!cancel) this.send(encodeRetSubmit(c.seqnum, UrbStatus.stall, 0));
    else if (!done) this.waiting.set(c.seqnum, cancel);
  }
}

class UsbipServer implements SimUsbipServer {
  private readonly imports = new Set<Import>();
  private readonly sockets = new Set<Socket>();
  private readonly stopWatching: () => void;
  /** When each device on the bus enumerated (wall ms, performance.now()). */
  private readonly enumeratedAt = new WeakMap<SimUsbDevice, number>();

  constructor(
    private readonly bus: SimUsbBus,
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly onImport: (e: UsbipImportEvent) => void = () => {},
  ) {
    server.on('connection', (socket) => this.serve(socket));
    const note = (): void => {
      for (const s of bus.slots()) if (s.device && !this.enumeratedAt.has(s.device)) this.enumeratedAt.set(s.device, performance.now());
    };
    note();
    this.stopWatching = bus.onChange(() => {
      note();
      for (const imp of this.imports) if (!imp.device.present) imp.detach();
    });
  }

  busidOf(board: SimBoard): string | undefined {
    const slot = this.bus.slots().find((s) => s.board === board);
    return slot ? busidOf(this.bus, slot) : undefined;
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    const timer = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      if (head.length < OP_HEADER_LENGTH) return;
      const { code } = decodeOpHeader(head);
      if (code === Op.reqDevlist) {
        clearTimeout(timer);
        socket.off('data', onData);
        socket.end(encodeDevlistReply(this.bus.slots().filter(present).map((s) => usbipDeviceOf(this.bus, s))));
        return;
      }
      if (code !== Op.reqImport) {
        socket.destroy();
        return;
      }
      if (head.length < OP_HEADER_LENGTH + 32) return;
      clearTimeout(timer);
      socket.off('data', onData);
      const busid = head.subarray(OP_HEADER_LENGTH, OP_HEADER_LENGTH + 32).toString('latin1').replace(/\0.*$/s, '');
      const slot = this.bus.slots().find((s) => busidOf(this.bus, s) === busid);
      const status = !slot?.device ? ImportStatus.noDevice : [...this.imports].some((i) => i.device === slot.device) ? ImportStatus.busy : ImportStatus.ok;
      if (status !== ImportStatus.ok || !slot?.device) {
        socket.end(encodeImportReply(undefined, status));
        return;
      }
      const imp = new Import(socket, slot.device);
      this.imports.add(imp);
      socket.on('close', () => this.imports.delete(imp));
      const info = usbipDeviceOf(this.bus, { ...slot, device: slot.device });
      socket.write(encodeImportReply(info, ImportStatus.ok));
      const since = this.enumeratedAt.get(slot.device);
      this.onImport({ busid, devnum: info.devnum, idProduct: info.idProduct, afterMs: since === undefined ? 0 : performance.now() - since });
      socket.on('data', (c: Buffer) => imp.feed(c));
      const rest = head.subarray(OP_HEADER_LENGTH + 32);
      if (rest.length > 0) imp.feed(rest);
    };
    socket.on('data', onData);
    socket.on('close', () => {
      clearTimeout(timer);
      this.sockets.delete(socket);
    });
  }

  async close(): Promise<void> {
    this.stopWatching();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startUsbipServer(o: UsbipServerOptions): Promise<SimUsbipServer> {
  const host = o.host ?? '127.0.0.1';
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (o.port ?? 0);
  return new UsbipServer(o.bus, server, host, port, o.onImport);
}
