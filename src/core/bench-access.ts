// How a bench is reached, in the resolved form the CLI hands to the board
// layer: the token already read from env:/file:, the USB bus named (native
// libusb or a bus on a Unix socket), the tools by name or path. Transports
// are built from this and nothing else.
import { join } from 'node:path';
import { RIG_ROOT } from './rig-root.js';

export type UsbAccess = { kind: 'native' } | { kind: 'socket'; socket: string };

export interface BenchAccess {
  name: string;
  /** Board time / wall time (1 on a real bench). */
  timeScale: number;
  /** The token is already resolved: never print it, never write it to a report. */
  cloud?: { api: string; token: string };
  /** socket: a USB bus over a Unix socket (src/protocol/usb-socket.md). */
  usb: UsbAccess;
  /** Bench control service (HTTP): power, USB plug, link, faults. */
  control?: { api: string };
  /** Program names or paths; default by name. */
  tools?: { dfuUtil?: string; uhubctl?: string };
}

/** The libusb stand-in that lets unmodified libusb programs reach a socket bus. */
export const LIBUSB_SOCKET_LIBRARY = join(RIG_ROOT, 'build', 'native', 'libusb-socket.so');

/**
 * Environment a libusb program (dfu-util) needs to reach the bench's USB bus:
 * nothing on a native bus; the preloaded stand-in and the socket otherwise.
 */
export function usbToolEnv(usb: UsbAccess): Record<string, string> {
  if (usb.kind === 'native') return {};
  return { LD_PRELOAD: LIBUSB_SOCKET_LIBRARY, RIG_USB_SOCKET: usb.socket };
}

