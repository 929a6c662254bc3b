// Where a board is, as the USB bus shows it: not enumerated (absent), the
// DFU PID (dfu), or the serial PID, where GetDeviceMode tells listening from
// normal. Device OS reports safe mode as normal, so safe mode is read from
// the modules (a user part missing or failing its checks boots into safe
// mode) or from the rig's memory of asking for it on this enumeration.
import type { BoardModule, BoardPresence } from '../core/board-contract.js';
import { isRefused, withUsbControl, type BusGeneration, type UsbBoardListing } from '../transport/usb.js';
import type { BoardParts } from './parts.js';
import { presencePollMs } from './timing.js';

/** This board's listing on the bus now; keeps the memory of enumerations current. */
export async function listingOf(p: BoardParts, signal?: AbortSignal): Promise<UsbBoardListing | undefined> {
  const listing = (await p.bus.list(signal)).find((b) => b.id === p.id);
  const m = p.memory;
  const now = Date.now();
  if (listing && listing.enumeration !== m.enumeration) {
    // It appeared after the previous look: that look is the earliest it can date from.
    m.enumeration = listing.enumeration;
    m.enumeratedAt = m.lastLookAt ?? m.openedAt;
  }
  if (!listing) m.enumeration = undefined;
  m.lastLookAt = now;
  return listing;
}

/** A user part that is missing or fails a check, or a module failing its dependencies, means safe mode. */
export function safeByModules(modules: readonly BoardModule[]): boolean {
  const main = modules.filter((m) => m.location === 'main');
  if (!main.some((m) => m.func === 'user-part')) return true;
  return main.some((m) => !(m.checks.integrity && m.checks.dependencies && m.checks.range && m.checks.platform));
}

/** The main modules of this enumeration: asked once, remembered until the board re-enumerates. */
async function modulesOf(p: Pick<BoardParts, 'memory'>, listing: UsbBoardListing, ask: () => Promise<BoardModule[]>): Promise<BoardModule[] | undefined> {
  const seen = p.memory.modulesSeen;
  if (seen?.enumeration === listing.enumeration) return seen.modules;
  const modules = await ask().catch((err: unknown) => {
    if (isRefused(err)) return undefined;
    throw err;
  });
  p.memory.modulesSeen = { enumeration: listing.enumeration, modules };
  return modules;
}

/** A board's mode, with the modules where telling the mode needed them (serial mode, not listening). */
export interface PresenceReading {
  mode: BoardPresence;
  /** Undefined where not read, or where the board does not answer module info (old Device OS). */
  modules?: BoardModule[];
}

async function serialReading(p: Pick<BoardParts, 'bus' | 'id' | 'memory'>, listing: UsbBoardListing, signal?: AbortSignal): Promise<PresenceReading> {
  return withUsbControl(p.bus, p.id, { mode: 'serial', timeoutMs: 2000, signal }, async (c) => {
    // Both questions at once (a new enumeration's modules cost a request); the answer on modules
    // matters only outside listening mode, and so does its failure.
    const asked = modulesOf(p, listing, () => c.modules(signal)).then((m) => ({ modules: m }), (err: unknown) => ({ err }));
    if ((await c.mode(signal)) === 'listening') return { mode: 'listening' };
    if (p.memory.safeEnumeration === listing.enumeration) return { mode: 'safe' };
    const answer = await asked;
    if ('err' in answer) throw answer.err;
    const modules = answer.modules;
    // A board that does not answer module info (old Device OS) is taken at its word: normal.
    return modules ? { mode: safeByModules(modules) ? 'safe' : 'normal', modules } : { mode: 'normal' };
  });
}

/** The mode of a board the bus lists as a serial device. */
export async function serialPresence(p: Pick<BoardParts, 'bus' | 'id' | 'memory'>, listing: UsbBoardListing, signal?: AbortSignal): Promise<BoardPresence> {
  return (await serialReading(p, listing, signal)).mode;
}

/** The board's mode now, and its modules where that took reading them. */
export async function readPresenceAndModules(p: BoardParts, signal?: AbortSignal): Promise<PresenceReading> {
  for (let attempt = 0; ; attempt++) {
    const listing = await listingOf(p, signal);
    if (!listing) return { mode: 'absent' };
    if (listing.mode === 'dfu') return { mode: 'dfu' };
    try {
      return await serialReading(p, listing, signal);
    } catch (err) {
      // It may have left the bus between the listing and the request (a reset): look again.
      if (signal?.aborted || attempt >= 2) throw err;
    }
  }
}

/**
 * The pause between the looks of a wait: it ends at the bus's next change, or
 * after 1, 2, 4, 8 ms, then PRESENCE_POLL_MS (a mode change without a new
 * enumeration). Made before the first look: the bus's generation is asked
 * then (one connection answers in order), so no change after that look is missed.
 */
export function lookAgain(p: Pick<BoardParts, 'bus'>): (signal?: AbortSignal) => Promise<void> {
  const first = p.bus.generation();
  let generation: BusGeneration;
  let looks = 0;
  return async (signal) => {
    generation = await p.bus.nextChange(generation ?? (await first), presencePollMs(looks++), signal);
  };
}

export async function readPresence(p: BoardParts, signal?: AbortSignal): Promise<BoardPresence> {
  return (await readPresenceAndModules(p, signal)).mode;
}

/**
 * Looks at the bus (cheaply: a listing is enough for absent and dfu) until
 * `want`, again at each change of the bus or after a short pause (a mode
 * that needs no new enumeration, like listening); false after `withinMs`.
 */
export async function waitForPresence(p: BoardParts, want: BoardPresence, o: { withinMs: number; signal?: AbortSignal }): Promise<boolean> {
  const deadline = Date.now() + o.withinMs;
  const nextLook = lookAgain(p);
  for (;;) {
    let now: BoardPresence | undefined;
    try {
      if (want === 'absent' || want === 'dfu') {
        const listing = await listingOf(p, o.signal);
        now = !listing ? 'absent' : listing.mode === 'dfu' ? 'dfu' : undefined;
      } else {
        now = await readPresence(p, o.signal);
      }
    } catch (err) {
      if (o.signal?.aborted) throw err;
      now = undefined; // a board in the middle of a reset: ask again
    }
    if (now === want) return true;
    if (Date.now() >= deadline) return false;
    await nextLook(o.signal);
  }
}

/** Looks at the listing at each change of the bus (or poll) until `check` holds; the listing, or false after `withinMs`. */
export async function waitForListing(
  p: BoardParts,
  check: (l: UsbBoardListing | undefined) => boolean,
  o: { withinMs: number; signal?: AbortSignal },
): Promise<UsbBoardListing | undefined | false> {
  const deadline = Date.now() + o.withinMs;
  const nextLook = lookAgain(p);
  for (;;) {
    const listing = await listingOf(p, o.signal).catch((err: unknown) => {
      if (o.signal?.aborted) throw err;
      return false as const;
    });
    if (listing !== false && check(listing)) return listing;
    if (Date.now() >= deadline) return false;
    await nextLook(o.signal);
  }
}
