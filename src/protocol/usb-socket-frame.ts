// Framing of the USB-over-Unix-socket bus (spec: ./protocol.md). Every
// message is `u32le length` + body; a request body is `u32le seq, u8 op,
// payload`, a response body is `u32le seq, i32le status, payload`. The seq
// lets a client that gave up waiting (timeout) drop the late answer instead
// of reading it as the answer to its next question.

export const WIRE_VERSION = 1;

/** Largest body either side accepts; a config bundle or a 4 KB DFU block is far below it. */
export const MAX_BODY = 1 << 20;

export const Op = {
  hello: 0,
  list: 1,
  open: 2,
  close: 3,
  claim: 4,
  release: 5,
  setAlt: 6,
  control: 7,
  reset: 8,
  watch: 9,
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];

/** libusb-1.0 error codes; the status of a response is one of these or >= 0. */
export const UsbStatus = {
  ok: 0,
  io: -1,
  invalidParam: -2,
  access: -3,
  noDevice: -4,
  notFound: -5,
  busy: -6,
  timeout: -7,
  overflow: -8,
  pipe: -9,
  interrupted: -10,
  noMem: -11,
  notSupported: -12,
  other: -99,
} as const;

const STATUS_NAMES: Record<number, string> = {
  0: 'LIBUSB_SUCCESS',
  [-1]: 'LIBUSB_ERROR_IO',
  [-2]: 'LIBUSB_ERROR_INVALID_PARAM',
  [-3]: 'LIBUSB_ERROR_ACCESS',
  [-4]: 'LIBUSB_ERROR_NO_DEVICE',
  [-5]: 'LIBUSB_ERROR_NOT_FOUND',
  [-6]: 'LIBUSB_ERROR_BUSY',
  [-7]: 'LIBUSB_ERROR_TIMEOUT',
  [-8]: 'LIBUSB_ERROR_OVERFLOW',
  [-9]: 'LIBUSB_ERROR_PIPE',
  [-10]: 'LIBUSB_ERROR_INTERRUPTED',
  [-11]: 'LIBUSB_ERROR_NO_MEM',
  [-12]: 'LIBUSB_ERROR_NOT_SUPPORTED',
  [-99]: 'LIBUSB_ERROR_OTHER',
};

export function usbStatusName(status: number): string {
  return status >= 0 ? 'LIBUSB_SUCCESS' : (STATUS_NAMES[status] ?? 'LIBUSB_ERROR_OTHER');
}

export interface RequestFrame {
  seq: number;
  op: number;
  payload: Buffer;
}

export interface ResponseFrame {
  seq: number;
  status: number;
  payload: Buffer;
}

export function encodeRequest(seq: number, op: OpCode, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(5 + payload.length, 0);
  head.writeUInt32LE(seq >>> 0, 4);
  head.writeUInt8(op, 8);
  return Buffer.concat([head, payload]);
}

export function encodeResponse(seq: number, status: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(8 + payload.length, 0);
  head.writeUInt32LE(seq >>> 0, 4);
  head.writeInt32LE(status, 8);
  return Buffer.concat([head, payload]);
}

export function decodeRequest(body: Buffer): RequestFrame {
  if (body.length < 5) throw new RangeError(`request body of ${body.length} bytes is shorter than its 5-byte header`);
  return { seq: body.readUInt32LE(0), op: body.readUInt8(4), payload: body.subarray(5) };
}

export function decodeResponse(body: Buffer): ResponseFrame {
  if (body.length < 8) throw new RangeError(`response body of ${body.length} bytes is shorter than its 8-byte header`);
  return { seq: body.readUInt32LE(0), status: body.readInt32LE(4), payload: body.subarray(8) };
}

/** Cuts a byte stream into bodies. Throws on a length no peer of ours would send. */
export class FrameSplitter {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const bodies: Buffer[] = [];
    while (this.pending.length >= 4) {
      const len = this.pending.readUInt32LE(0);
      if (len > MAX_BODY) throw new RangeError(`frame of ${len} bytes exceeds the ${MAX_BODY}-byte limit`);
      if (this.pending.length < 4 + len) break;
      bodies.push(Buffer.from(this.pending.subarray(4, 4 + len)));
      this.pending = this.pending.subarray(4 + len);
    }
    return bodies;
  }
}
