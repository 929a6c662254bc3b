// Requests that name one device on the bus: open/close, claims, alt
// settings and control transfers. Statuses below zero become UsbSocketError.
import type { UsbSocketClient } from './client.js';
import { Op, UsbStatus } from '../../protocol/usb-socket-frame.js';
import { encodeControl, encodeDevRef, type ControlSetup } from '../../protocol/usb-socket-messages.js';
import { UsbSocketError } from './usb-error.js';

/** Answer wait beyond the transfer's own timeout: the bus is local. */
const MARGIN_MS = 1000;

export async function deviceCall(client: UsbSocketClient, op: typeof Op.open | typeof Op.close | typeof Op.reset, devId: number): Promise<void> {
  const r = await client.call(op, encodeDevRef(devId));
  if (r.status < 0) throw new UsbSocketError(r.status, 'call');
}

export async function interfaceCall(client: UsbSocketClient, op: typeof Op.claim | typeof Op.release, devId: number, iface: number): Promise<void> {
  const r = await client.call(op, encodeDevRef(devId, iface));
  if (r.status < 0) throw new UsbSocketError(r.status, 'call');
}

export async function setAltSetting(client: UsbSocketClient, devId: number, iface: number, alt: number): Promise<void> {
  const r = await client.call(Op.setAlt, encodeDevRef(devId, iface, alt));
  if (r.status < 0) throw new UsbSocketError(r.status, 'call');
}

export async function controlIn(client: UsbSocketClient, devId: number, setup: ControlSetup, timeoutMs: number): Promise<Buffer> {
  const r = await client.call(Op.control, encodeControl({ ...setup, devId, timeoutMs, data: Buffer.alloc(0) }), timeoutMs + MARGIN_MS);
  if (r.status < 0) throw new UsbSocketError(r.status, 'transfer');
  return r.payload.subarray(0, Math.min(r.status, setup.wLength));
}

export async function controlOut(client: UsbSocketClient, devId: number, setup: Omit<ControlSetup, 'wLength'>, data: Buffer, timeoutMs: number): Promise<number> {
  const c = { ...setup, wLength: data.length, devId, timeoutMs, data };
  const r = await client.call(Op.control, encodeControl(c), timeoutMs + MARGIN_MS);
  if (r.status < 0) throw new UsbSocketError(r.status, 'transfer');
  return r.status;
}

/** A string descriptor in US English, decoded from UTF-16LE. */
export async function readString(client: UsbSocketClient, devId: number, index: number, timeoutMs = 1000): Promise<string> {
  if (index === 0) return '';
  const setup = { bmRequestType: 0x80, bRequest: 6, wValue: (3 << 8) | index, wIndex: 0x0409, wLength: 255 };
  const d = await controlIn(client, devId, setup, timeoutMs);
  if (d.length < 2 || d[1] !== 3) throw new UsbSocketError(UsbStatus.io, 'transfer');
  return d.subarray(2, d[0]).toString('utf16le');
}
