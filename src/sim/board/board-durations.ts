// How long a board takes for things, in board milliseconds. Chosen to look
// like a real board on a bench; plans use their own timeouts on top of these.
import type { LinkOptions } from '../network/link.js';

/** The USB device is gone this long while a board resets and re-enumerates. */
export const REENUMERATE_MS = 300;
/** Red SOS blinks this long before the board resets after a panic. */
export const SOS_MS = 2500;
/** After an install is accepted the board resets this much later (room for the last serial lines). */
export const INSTALL_RESET_MS = 200;
/**
 * ...and after a serial (YMODEM) install, no sooner than this in wall time:
 * the host must read the board's verdict before the reset takes its port
 * away (a hang-up flushes what the host has not read). 200 board ms is
 * 10 ms at x20, less than a loaded bench computer promises (the rig's event
 * loop with 32 boards: p99 53-69 ms, max 330-400 ms).
 */
export const SERIAL_INSTALL_RESET_WALL_MS = 1000;
/** Between attempts to bring the network up while the link is down. */
export const NETWORK_RETRY_MS = 5000;

export function networkUpMs(link: LinkOptions): number {
  return (link.kind === 'cellular' ? 6000 : 1200) + link.latencyMs * 2;
}

/** DTLS handshake and hello: a few round trips. */
export function cloudHandshakeMs(link: LinkOptions): number {
  return 200 + link.latencyMs * 8;
}
