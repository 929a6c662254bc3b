// One client of the bus (dfu-util through the libusb stand-in, particle-usb
// through the rig's adapter, a test): reads framed requests, answers each in
// order (a WATCH later, when the bus changes or its time is up), keeps this
// client's interface claims, drops them when it leaves.
import type { Socket } from 'node:net';
import { decodeRequest, encodeResponse, FrameSplitter, Op, UsbStatus, WIRE_VERSION } from '../../protocol/usb-socket-frame.js';
import type { RequestFrame } from '../../protocol/usb-socket-frame.js';
import { ANY_GENERATION, decodeControl, decodeDevRef, decodeWatch, encodeDeviceList, encodeGeneration, encodeVersion, type ListedDevice } from '../../protocol/usb-socket-messages.js';
import type { SimUsbDevice } from './usb-device.js';

export interface BusView {
  list(): ListedDevice[];
  /** Counts changes of the device list (wraps below ANY_GENERATION). */
  readonly generation: number;
  /** Calls `fn` once at the next change of the device list; returns a cancel. */
  onNextChange(fn: () => void): () => void;
  device(devId: number): SimUsbDevice | undefined;
  /** Every device present now (to drop a leaving client's claims). */
  devices(): Iterable<SimUsbDevice>;
}

interface Answer {
  status: number;
  payload?: Buffer;
  after?: () => void;
}

export function serveConnection(socket: Socket, bus: BusView, connection: number): void {
  const splitter = new FrameSplitter();
  const watches = new Set<() => void>();
  const watch = (seq: number, timeoutMs: number, since: number): void => {
    const reply = (): void => {
      if (!socket.destroyed) socket.write(encodeResponse(seq, UsbStatus.ok, encodeGeneration(bus.generation)));
    };
    // A change the client has not seen yet answers at once, and so does a mere read of the generation.
    if ((since !== ANY_GENERATION && since !== bus.generation) || timeoutMs === 0) return reply();
    const stop = (): void => {
      cancel();
      clearTimeout(timer);
      watches.delete(stop);
    };
    const fire = (): void => {
      stop();
      reply();
    };
    const cancel = bus.onNextChange(fire);
    const timer = setTimeout(fire, timeoutMs);
    watches.add(stop);
  };
  socket.on('data', (chunk: Buffer) => {
    let bodies: Buffer[];
    try {
      bodies = splitter.push(chunk);
    } catch {
      socket.destroy(); // a peer that breaks framing cannot be answered
      return;
    }
    for (const body of bodies) {
      let req: RequestFrame;
      try {
        req = decodeRequest(body);
      } catch {
        socket.destroy();
        return;
      }
      if (req.op === Op.watch && req.payload.length >= 4) {
        const w = decodeWatch(req.payload);
        watch(req.seq, w.timeoutMs, w.since);
        continue;
      }
      const answer = answerSafely(req, bus, connection);
      if (!socket.destroyed) socket.write(encodeResponse(req.seq, answer.status, answer.payload));
      // The answer is queued first: the device acknowledges, then resets or leaves.
      answer.after?.();
    }
  });
  socket.on('error', () => socket.destroy());
  socket.on('close', () => {
    for (const stop of [...watches]) stop();
    for (const d of bus.devices()) d.releaseAll(connection);
  });
}

function answerSafely(req: RequestFrame, bus: BusView, connection: number): Answer {
  try {
    return answer(req, bus, connection);
  } catch {
    // A payload the device cannot make sense of: a real device stalls.
    return { status: req.op === Op.control ? UsbStatus.pipe : UsbStatus.invalidParam };
  }
}

function answer(req: RequestFrame, bus: BusView, connection: number): Answer {
  switch (req.op) {
    case Op.hello: {
      const version = req.payload.length >= 2 ? req.payload.readUInt16LE(0) : -1;
      const status = version === WIRE_VERSION ? UsbStatus.ok : UsbStatus.notSupported;
      return { status, payload: encodeVersion(WIRE_VERSION) };
    }
    case Op.list:
      return { status: UsbStatus.ok, payload: encodeDeviceList(bus.list()) };
    case Op.open:
    case Op.close:
    case Op.reset: {
      const dev = bus.device(decodeDevRef(req.payload, 0).devId);
      if (!dev) return { status: UsbStatus.noDevice };
      if (req.op === Op.close) dev.releaseAll(connection);
      return { status: UsbStatus.ok };
    }
    case Op.claim:
    case Op.release:
    case Op.setAlt: {
      const ref = decodeDevRef(req.payload, req.op === Op.setAlt ? 2 : 1);
      const dev = bus.device(ref.devId);
      const [iface = 0, alt = 0] = ref.bytes;
      if (!dev) return { status: UsbStatus.noDevice };
      if (req.op === Op.claim) return { status: dev.claim(iface, connection) };
      if (req.op === Op.release) return { status: dev.release(iface, connection) };
      return { status: dev.setAlt(iface, alt, connection) };
    }
    case Op.control: {
      const c = decodeControl(req.payload);
      const dev = bus.device(c.devId);
      if (!dev) return { status: UsbStatus.noDevice };
      const out = dev.control(c, c.data);
      // A fault that fired while the request ran (power cut, unplug) took the device away.
      if (!dev.present) return { status: UsbStatus.noDevice };
      return { status: out.status, ...(out.data ? { payload: out.data } : {}), ...(out.after ? { after: out.after } : {}) };
    }
    default:
      return { status: UsbStatus.notSupported };
  }
}
