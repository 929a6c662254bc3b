// Payloads of the bus's requests and responses (spec: ./protocol.md). All
// integers little-endian. Shared by the rig's client and by any server.

export const DEVICE_DESCRIPTOR_LENGTH = 18;

/** One device as LIST reports it: where it sits and what it says about itself. */
export interface ListedDevice {
  /** Changes on every enumeration; a stale one answers LIBUSB_ERROR_NO_DEVICE. */
  devId: number;
  bus: number;
  address: number;
  /** libusb_speed: 2 = full speed (12 Mbit/s). */
  speed: number;
  /** Port path from the root hub, e.g. [1] for "1-1". */
  ports: number[];
  deviceDescriptor: Buffer;
  /** Configuration 1: the whole wTotalLength bundle. */
  config: Buffer;
}

export interface ControlSetup {
  bmRequestType: number;
  bRequest: number;
  wValue: number;
  wIndex: number;
  wLength: number;
}

export interface ControlRequest extends ControlSetup {
  devId: number;
  timeoutMs: number;
  /** OUT data stage (wLength bytes); empty for IN transfers. */
  data: Buffer;
}

export const isDeviceToHost = (bmRequestType: number): boolean => (bmRequestType & 0x80) !== 0;

export function encodeDeviceList(devices: readonly ListedDevice[]): Buffer {
  const parts: Buffer[] = [Buffer.from([devices.length])];
  for (const d of devices) {
    const head = Buffer.alloc(8);
    head.writeUInt32LE(d.devId >>> 0, 0);
    head.writeUInt8(d.bus, 4);
    head.writeUInt8(d.address, 5);
    head.writeUInt8(d.speed, 6);
    head.writeUInt8(d.ports.length, 7);
    const cfgLen = Buffer.alloc(2);
    cfgLen.writeUInt16LE(d.config.length);
    parts.push(head, Buffer.from(d.ports), d.deviceDescriptor, cfgLen, d.config);
  }
  return Buffer.concat(parts);
}

export function decodeDeviceList(buf: Buffer): ListedDevice[] {
  let at = 0;
  const need = (n: number): void => {
    if (at + n > buf.length) throw new RangeError(`device list truncated at byte ${at} (needs ${n} more)`);
  };
  need(1);
  const count = buf.readUInt8(at++);
  const devices: ListedDevice[] = [];
  for (let i = 0; i < count; i++) {
    need(8);
    const devId = buf.readUInt32LE(at);
    const bus = buf.readUInt8(at + 4);
    const address = buf.readUInt8(at + 5);
    const speed = buf.readUInt8(at + 6);
    const nports = buf.readUInt8(at + 7);
    at += 8;
    need(nports + DEVICE_DESCRIPTOR_LENGTH + 2);
    const ports = [...buf.subarray(at, at + nports)];
    at += nports;
    const deviceDescriptor = Buffer.from(buf.subarray(at, at + DEVICE_DESCRIPTOR_LENGTH));
    at += DEVICE_DESCRIPTOR_LENGTH;
    const cfgLen = buf.readUInt16LE(at);
    at += 2;
    need(cfgLen);
    const config = Buffer.from(buf.subarray(at, at + cfgLen));
    at += cfgLen;
    devices.push({ devId, bus, address, speed, ports, deviceDescriptor, config });
  }
  return devices;
}

export function encodeDevRef(devId: number, ...bytes: number[]): Buffer {
  const b = Buffer.alloc(4 + bytes.length);
  b.writeUInt32LE(devId >>> 0, 0);
  bytes.forEach((v, i) => b.writeUInt8(v, 4 + i));
  return b;
}

export function decodeDevRef(buf: Buffer, extra: number): { devId: number; bytes: number[] } {
  if (buf.length < 4 + extra) throw new RangeError(`payload of ${buf.length} bytes, expected ${4 + extra}`);
  return { devId: buf.readUInt32LE(0), bytes: [...buf.subarray(4, 4 + extra)] };
}

export function encodeControl(c: ControlRequest): Buffer {
  const head = Buffer.alloc(16);
  head.writeUInt32LE(c.devId >>> 0, 0);
  head.writeUInt8(c.bmRequestType, 4);
  head.writeUInt8(c.bRequest, 5);
  head.writeUInt16LE(c.wValue, 6);
  head.writeUInt16LE(c.wIndex, 8);
  head.writeUInt16LE(c.wLength, 10);
  head.writeUInt32LE(c.timeoutMs >>> 0, 12);
  return isDeviceToHost(c.bmRequestType) ? head : Buffer.concat([head, c.data.subarray(0, c.wLength)]);
}

export function decodeControl(buf: Buffer): ControlRequest {
  if (buf.length < 16) throw new RangeError(`control payload of ${buf.length} bytes is shorter than 16`);
  const c: ControlRequest = {
    devId: buf.readUInt32LE(0),
    bmRequestType: buf.readUInt8(4),
    bRequest: buf.readUInt8(5),
    wValue: buf.readUInt16LE(6),
    wIndex: buf.readUInt16LE(8),
    wLength: buf.readUInt16LE(10),
    timeoutMs: buf.readUInt32LE(12),
    data: Buffer.from(buf.subarray(16)),
  };
  if (!isDeviceToHost(c.bmRequestType) && c.data.length !== c.wLength) {
    throw new RangeError(`OUT control transfer carries ${c.data.length} bytes, wLength says ${c.wLength}`);
  }
  return c;
}

export function encodeVersion(version: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(version);
  return b;
}

/** Interface numbers of a configuration bundle and the alt settings each offers. */
export function interfacesOf(config: Buffer): Map<number, number[]> {
  const found = new Map<number, number[]>();
  for (let at = config[0] ?? 9; at + 4 <= config.length; ) {
    const len = config[at] ?? 0;
    if (len < 2) break;
    if (config[at + 1] === 4) {
      const iface = config[at + 2] ?? 0;
      found.set(iface, [...(found.get(iface) ?? []), config[at + 3] ?? 0]);
    }
    at += len;
  }
  return found;
}

/** WATCH from any generation: the next change counts, whatever the client saw. */
export const ANY_GENERATION = 0xffffffff;

/** WATCH: answer once the bus's generation differs from `since`, or after `timeoutMs`. */
export function encodeWatch(timeoutMs: number, since: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32LE(Math.max(0, Math.min(0xffffffff, Math.round(timeoutMs))), 0);
  b.writeUInt32LE(since >>> 0, 4);
  return b;
}

export function decodeWatch(buf: Buffer): { timeoutMs: number; since: number } {
  return { timeoutMs: buf.readUInt32LE(0), since: buf.length >= 8 ? buf.readUInt32LE(4) : ANY_GENERATION };
}

export function encodeGeneration(generation: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(generation >>> 0, 0);
  return b;
}
