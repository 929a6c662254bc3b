// USB/IP (Linux Documentation/usb/usbip_protocol.rst), version 1.1.1: what
// a USB/IP server and its clients (the kernel's vhci-hcd, the usbip tool, the
// kernel bench's attach agent, tests) say to each other. All integers are
// big-endian. A connection starts with one operation (OP_REQ_DEVLIST, or
// OP_REQ_IMPORT that hands the connection to the imported device); after
// an import it carries URBs: CMD_SUBMIT / RET_SUBMIT and CMD_UNLINK /
// RET_UNLINK, each a 48-byte header, then the OUT data (submit) or IN
// data (return). Written from the specification, not from any
// implementation. Shared by the simulator's server and the clients.

export const USBIP_VERSION = 0x0111;
export const USBIP_PORT = 3240;

export const Op = {
  reqDevlist: 0x8005,
  repDevlist: 0x0005,
  reqImport: 0x8003,
  repImport: 0x0003,
} as const;

export const Cmd = { submit: 1, unlink: 2, retSubmit: 3, retUnlink: 4 } as const;

/** OP_REP_IMPORT status: 0 ok; the usbip tool's codes otherwise. */
export const ImportStatus = { ok: 0, notAvailable: 1, busy: 2, error: 3, noDevice: 4 } as const;

/** enum usb_device_speed. */
export const UsbSpeed = { low: 1, full: 2, high: 3 } as const;

/** errno values a URB completes with, negated as the kernel carries them. */
export const UrbStatus = { ok: 0, stall: -32 /* EPIPE */, protocol: -71 /* EPROTO */, noDevice: -19 /* ENODEV */, unlinked: -104 /* ECONNRESET */ } as const;

export const HEADER_LENGTH = 48;
export const OP_HEADER_LENGTH = 8;
/** path[256] busid[32] busnum devnum speed idVendor idProduct bcdDevice class subclass protocol config numConfigs numInterfaces */
export const DEVICE_INFO_LENGTH = 312;

export interface UsbipInterface {
  bInterfaceClass: number;
  bInterfaceSubClass: number;
  bInterfaceProtocol: number;
}

export interface UsbipDevice {
  path: string;
  busid: string;
  busnum: number;
  devnum: number;
  speed: number;
  idVendor: number;
  idProduct: number;
  bcdDevice: number;
  bDeviceClass: number;
  bDeviceSubClass: number;
  bDeviceProtocol: number;
  bConfigurationValue: number;
  bNumConfigurations: number;
  bNumInterfaces: number;
  interfaces: UsbipInterface[];
}

/** The devid field of URB headers: busnum << 16 | devnum, as the Linux host side sets it. */
export const devidOf = (d: Pick<UsbipDevice, 'busnum' | 'devnum'>): number => ((d.busnum << 16) | d.devnum) >>> 0;

export function encodeOpHeader(code: number, status = 0): Buffer {
  const b = Buffer.alloc(OP_HEADER_LENGTH);
  b.writeUInt16BE(USBIP_VERSION, 0);
  b.writeUInt16BE(code, 2);
  b.writeUInt32BE(status >>> 0, 4);
  return b;
}

export function decodeOpHeader(b: Buffer): { version: number; code: number; status: number } {
  return { version: b.readUInt16BE(0), code: b.readUInt16BE(2), status: b.readUInt32BE(4) };
}

function fixedString(text: string, length: number): Buffer {
  const b = Buffer.alloc(length);
  b.write(text.slice(0, length - 1), 'latin1');
  return b;
}

const readFixedString = (b: Buffer): string => {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
};

export function encodeDeviceInfo(d: UsbipDevice): Buffer {
  const b = Buffer.alloc(DEVICE_INFO_LENGTH);
  fixedString(d.path, 256).copy(b, 0);
  fixedString(d.busid, 32).copy(b, 256);
  b.writeUInt32BE(d.busnum, 288);
  b.writeUInt32BE(d.devnum, 292);
  b.writeUInt32BE(d.speed, 296);
  b.writeUInt16BE(d.idVendor, 300);
  b.writeUInt16BE(d.idProduct, 302);
  b.writeUInt16BE(d.bcdDevice, 304);
  b.writeUInt8(d.bDeviceClass, 306);
  b.writeUInt8(d.bDeviceSubClass, 307);
  b.writeUInt8(d.bDeviceProtocol, 308);
  b.writeUInt8(d.bConfigurationValue, 309);
  b.writeUInt8(d.bNumConfigurations, 310);
  b.writeUInt8(d.bNumInterfaces, 311);
  return b;
}

export function decodeDeviceInfo(b: Buffer): Omit<UsbipDevice, 'interfaces'> {
  if (b.length < DEVICE_INFO_LENGTH) throw new RangeError(`USB/IP device info truncated: ${b.length} of ${DEVICE_INFO_LENGTH} bytes`);
  return {
    path: readFixedString(b.subarray(0, 256)),
    busid: readFixedString(b.subarray(256, 288)),
    busnum: b.readUInt32BE(288),
    devnum: b.readUInt32BE(292),
    speed: b.readUInt32BE(296),
    idVendor: b.readUInt16BE(300),
    idProduct: b.readUInt16BE(302),
    bcdDevice: b.readUInt16BE(304),
    bDeviceClass: b.readUInt8(306),
    bDeviceSubClass: b.readUInt8(307),
    bDeviceProtocol: b.readUInt8(308),
    bConfigurationValue: b.readUInt8(309),
    bNumConfigurations: b.readUInt8(310),
    bNumInterfaces: b.readUInt8(311),
  };
}

export function encodeDevlistReply(devices: readonly UsbipDevice[]): Buffer {
  const count = Buffer.alloc(4);
  count.writeUInt32BE(devices.length);
  const parts = [encodeOpHeader(Op.repDevlist), count];
  for (const d of devices) {
    parts.push(encodeDeviceInfo(d));
    for (const i of d.interfaces) parts.push(Buffer.from([i.bInterfaceClass, i.bInterfaceSubClass, i.bInterfaceProtocol, 0]));
  }
  return Buffer.concat(parts);
}

/** The body after the 8-byte op header; throws RangeError while it is incomplete. */
export function decodeDevlistBody(b: Buffer): UsbipDevice[] {
  if (b.length < 4) throw new RangeError('USB/IP device list truncated');
  const count = b.readUInt32BE(0);
  const devices: UsbipDevice[] = [];
  let at = 4;
  for (let n = 0; n < count; n++) {
    const info = decodeDeviceInfo(b.subarray(at, at + DEVICE_INFO_LENGTH));
    at += DEVICE_INFO_LENGTH;
    if (b.length < at + 4 * info.bNumInterfaces) throw new RangeError('USB/IP device list truncated');
    const interfaces: UsbipInterface[] = [];
    for (let i = 0; i < info.bNumInterfaces; i++, at += 4) {
      interfaces.push({ bInterfaceClass: b[at]!, bInterfaceSubClass: b[at + 1]!, bInterfaceProtocol: b[at + 2]! });
    }
    devices.push({ ...info, interfaces });
  }
  return devices;
}

export function encodeImportRequest(busid: string): Buffer {
  return Buffer.concat([encodeOpHeader(Op.reqImport), fixedString(busid, 32)]);
}

export function encodeImportReply(device: UsbipDevice | undefined, status: number): Buffer {
  const head = encodeOpHeader(Op.repImport, device ? ImportStatus.ok : status);
  return device ? Buffer.concat([head, encodeDeviceInfo(device)]) : head;
}

/** A URB command as the client sends it (CMD_SUBMIT or CMD_UNLINK). */
export type UrbCommand =
  | {
      command: typeof Cmd.submit;
      seqnum: number;
      devid: number;
      /** 1 = IN (device to host). */
      direction: number;
      ep: number;
      transferFlags: number;
      transferBufferLength: number;
      numberOfPackets: number;
      interval: number;
      setup: Buffer;
      /** OUT data (transferBufferLength bytes); empty for IN. */
      data: Buffer;
    }
  | { command: typeof Cmd.unlink; seqnum: number; devid: number; direction: number; ep: number; unlinkSeqnum: number };

export const DIR_OUT = 0;
export const DIR_IN = 1;

/** Non-isochronous URBs carry no packet descriptors: the kernel sends 0 or -1 there. */
const isoPackets = (n: number): number => (n > 0 && n !== 0xffffffff ? n : 0);

/**
 * Splits one URB command off the front of `buf`: the command and the bytes
 * it took, or undefined while it is incomplete. Throws on an unknown command.
 */
export function takeUrbCommand(buf: Buffer): { command: UrbCommand; length: number } | undefined {
  if (buf.length < HEADER_LENGTH) return undefined;
  const command = buf.readUInt32BE(0);
  const seqnum = buf.readUInt32BE(4);
  const devid = buf.readUInt32BE(8);
  const direction = buf.readUInt32BE(12);
  const ep = buf.readUInt32BE(16);
  if (command === Cmd.unlink) {
    return { command: { command, seqnum, devid, direction, ep, unlinkSeqnum: buf.readUInt32BE(20) }, length: HEADER_LENGTH };
  }
  if (command !== Cmd.submit) throw new RangeError(`unknown USB/IP command ${command}`);
  const transferBufferLength = buf.readUInt32BE(24);
  const numberOfPackets = buf.readUInt32BE(32);
  const dataLength = direction === DIR_OUT ? transferBufferLength : 0;
  const length = HEADER_LENGTH + dataLength + 16 * isoPackets(numberOfPackets);
  if (buf.length < length) return undefined;
  return {
    command: {
      command,
      seqnum,
      devid,
      direction,
      ep,
      transferFlags: buf.readUInt32BE(20),
      transferBufferLength,
      numberOfPackets,
      interval: buf.readUInt32BE(36),
      setup: Buffer.from(buf.subarray(40, 48)),
      data: Buffer.from(buf.subarray(HEADER_LENGTH, HEADER_LENGTH + dataLength)),
    },
    length,
  };
}

function header(command: number, seqnum: number, devid = 0, direction = 0, ep = 0): Buffer {
  const b = Buffer.alloc(HEADER_LENGTH);
  b.writeUInt32BE(command, 0);
  b.writeUInt32BE(seqnum >>> 0, 4);
  b.writeUInt32BE(devid >>> 0, 8);
  b.writeUInt32BE(direction, 12);
  b.writeUInt32BE(ep, 16);
  return b;
}

export function encodeSubmit(o: { seqnum: number; devid: number; direction: number; ep: number; length: number; setup?: Buffer; data?: Buffer }): Buffer {
  const b = header(Cmd.submit, o.seqnum, o.devid, o.direction, o.ep);
  b.writeUInt32BE(o.length, 24);
  (o.setup ?? Buffer.alloc(8)).copy(b, 40);
  return o.direction === DIR_OUT && o.data ? Buffer.concat([b, o.data]) : b;
}

export function encodeUnlink(o: { seqnum: number; devid: number; unlinkSeqnum: number }): Buffer {
  const b = header(Cmd.unlink, o.seqnum, o.devid);
  b.writeUInt32BE(o.unlinkSeqnum >>> 0, 20);
  return b;
}

export function encodeRetSubmit(seqnum: number, status: number, actualLength: number, data?: Buffer): Buffer {
  const b = header(Cmd.retSubmit, seqnum);
  b.writeInt32BE(status, 20);
  b.writeUInt32BE(actualLength, 24);
  return data && data.length > 0 ? Buffer.concat([b, data]) : b;
}

export function encodeRetUnlink(seqnum: number, status: number): Buffer {
  const b = header(Cmd.retUnlink, seqnum);
  b.writeInt32BE(status, 20);
  return b;
}

export type UrbReturn =
  | { command: typeof Cmd.retSubmit; seqnum: number; status: number; actualLength: number; data: Buffer }
  | { command: typeof Cmd.retUnlink; seqnum: number; status: number };

/**
 * Splits one URB return off the front of `buf`. RET_SUBMIT's data follows only
 * for IN transfers, which the client knows by seqnum: `isIn` tells.
 */
export function takeUrbReturn(buf: Buffer, isIn: (seqnum: number) => boolean): { ret: UrbReturn; length: number } | undefined {
  if (buf.length < HEADER_LENGTH) return undefined;
  const command = buf.readUInt32BE(0);
  const seqnum = buf.readUInt32BE(4);
  const status = buf.readInt32BE(20);
  if (command === Cmd.retUnlink) return { ret: { command, seqnum, status }, length: HEADER_LENGTH };
  if (command !== Cmd.retSubmit) throw new RangeError(`unknown USB/IP return ${command}`);
  const actualLength = buf.readUInt32BE(24);
  const dataLength = isIn(seqnum) ? actualLength : 0;
  if (buf.length < HEADER_LENGTH + dataLength) return undefined;
  const data = Buffer.from(buf.subarray(HEADER_LENGTH, HEADER_LENGTH + dataLength));
  return { ret: { command, seqnum, status, actualLength, data }, length: HEADER_LENGTH + dataLength };
}
