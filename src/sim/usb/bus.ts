// The simulated USB bus: a server on a Unix socket (protocol:
// src/transport/usb-socket/protocol.md) on which every attached board shows
// up as its USB presence says: as a CDC serial device, as a DFU device, or
// not at all. Each board has a fixed port; each enumeration a new devId and
// device address, so handles opened before a re-enumeration go stale as on
// real hardware.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';
import type { SimBoard, UsbPresence } from '../board/contract.js';
import { ANY_GENERATION } from '../../protocol/usb-socket-messages.js';
import { serveConnection, type BusView } from './connection.js';
import { SimUsbDevice } from './usb-device.js';
import type { CdcLineDevice } from './cdc-acm.js';

export interface UsbBusOptions {
  socketPath: string;
  boards?: Iterable<SimBoard>;
  /** The bus number dfu-util prints in path="<bus>-<port>". Default 1. */
  busNumber?: number;
  /** The board's serial port for its CDC-ACM function, where hosts read serial over USB (USB/IP). */
  serialLineOf?: (board: SimBoard) => CdcLineDevice | undefined;
}

/** A board on the bus: its port and the device it shows now (none while absent). */
export interface BusSlot {
  board: SimBoard;
  port: number;
  device: SimUsbDevice | undefined;
}

export interface SimUsbBus {
  readonly socketPath: string;
  attach(board: SimBoard): void;
  detach(board: SimBoard): void;
  /** The device the board shows right now, if it is on the bus. */
  deviceOf(board: SimBoard): SimUsbDevice | undefined;
  readonly busNumber: number;
  /** Every attached board, in port order. */
  slots(): BusSlot[];
  /** Calls `fn` after every change of the device list (another front-end of the same devices: USB/IP); returns a cancel. */
  onChange(fn: () => void): () => void;
  close(): Promise<void>;
}

interface Attachment {
  port: number;
  device: SimUsbDevice | undefined;
  onChange: (presence: UsbPresence) => void;
}

class BusServer implements SimUsbBus, BusView {
  private readonly attached = new Map<SimBoard, Attachment>();
  private readonly byDevId = new Map<number, SimUsbDevice>();
  private readonly sockets = new Set<Socket>();
  private readonly changeWaiters = new Set<() => void>();
  private readonly changeListeners = new Set<() => void>();
  generation = 0;
  private lastDevId = 0;
  private lastAddress = 0;
  private lastPort = 0;
  private lastConnection = 0;

  constructor(
    readonly socketPath: string,
    readonly busNumber: number,
    readonly server: Server,
    private readonly serialLineOf: (board: SimBoard) => CdcLineDevice | undefined = () => undefined,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      serveConnection(socket, this, ++this.lastConnection);
    });
  }

  attach(board: SimBoard): void {
    if (this.attached.has(board)) return;
    const a: Attachment = { port: ++this.lastPort, device: undefined, onChange: () => this.enumerate(board, a) };
    this.attached.set(board, a);
    board.on('usbChange', a.onChange);
    this.enumerate(board, a);
  }

  detach(board: SimBoard): void {
    const a = this.attached.get(board);
    if (!a) return;
    board.off('usbChange', a.onChange);
    this.drop(a);
    this.attached.delete(board);
  }

  deviceOf(board: SimBoard): SimUsbDevice | undefined {
    return this.attached.get(board)?.device;
  }

  slots(): BusSlot[] {
    return [...this.attached].map(([board, a]) => ({ board, port: a.port, device: a.device }));
  }

  onChange(fn: () => void): () => void {
    this.changeListeners.add(fn);
    return () => this.changeListeners.delete(fn);
  }

  list() {
    return [...this.attached.values()].flatMap((a) => (a.device ? [a.device.listed()] : []));
  }

  onNextChange(fn: () => void): () => void {
    this.changeWaiters.add(fn);
    return () => this.changeWaiters.delete(fn);
  }

  private changed(): void {
    this.generation = (this.generation + 1) % ANY_GENERATION;
    const waiters = [...this.changeWaiters];
    this.changeWaiters.clear();
    for (const fn of waiters) fn();
    for (const fn of [...this.changeListeners]) fn();
  }

  device(devId: number): SimUsbDevice | undefined {
    return this.byDevId.get(devId);
  }

  devices(): Iterable<SimUsbDevice> {
    return this.byDevId.values();
  }

  /** The board's presence changed (or it was just attached): it leaves the bus and, if present, enumerates anew. */
  private enumerate(board: SimBoard, a: Attachment): void {
    this.drop(a);
    const presence = board.usb;
    if (presence === 'absent') return;
    // Device addresses run 1..127 and wrap, as a host controller hands them out.
    this.lastAddress = (this.lastAddress % 127) + 1;
    const placement = { devId: ++this.lastDevId, bus: this.busNumber, address: this.lastAddress, port: a.port };
    a.device = new SimUsbDevice(board, presence, placement, this.serialLineOf(board));
    this.byDevId.set(placement.devId, a.device);
    this.changed();
  }

  private drop(a: Attachment): void {
    if (!a.device) return;
    this.byDevId.delete(a.device.devId);
    a.device.dispose();
    a.device = undefined;
    this.changed();
  }

  async close(): Promise<void> {
    for (const board of [...this.attached.keys()]) this.detach(board);
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }
}

/** Removes a socket file left by a bus that died; refuses to take over a live one. */
async function clearStaleSocket(path: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`another USB bus already serves ${path}`);
  await rm(path, { force: true });
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startUsbBus(o: UsbBusOptions): Promise<SimUsbBus> {
  const server = createServer();
  try {
    await listen(server, o.socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    await clearStaleSocket(o.socketPath);
    await listen(server, o.socketPath);
  }
  const bus = new BusServer(o.socketPath, o.busNumber ?? 1, server, o.serialLineOf);
  for (const b of o.boards ?? []) bus.attach(b);
  return bus;
}
