// The evidence window of one flash: the board's trace lines and cloud events
// from where its captures stood when the flash began, of this board only,
// less what the board said of the boot it was already in. A board announces
// a boot (spark/status online, its reset reason, its app, safe mode) when it
// reaches the cloud, which on a cellular link is seconds after the boot
// began: the boot a DFU flash began is announced after the OTA that follows
// it has begun, and is none of the OTA's evidence. Such an announcement
// belongs to the boot the board was in when the flash began (the board's
// boots say which), and comes before the flash's own first word from the
// cloud (an OTA's spark/flash/status or pending updates; a wired flash has
// none, its words are the tool's). Where the rig saw no boot, nothing is
// told apart: the window is the captures from the flash on.
import type { CloudEvent, LogLine } from '../../core/board-contract.js';
import type { LastFlash, StepContext } from '../context.js';
import { EVENT } from './cloud-events.js';

/** What a board says of a boot when it reaches the cloud, and of its session. */
const ANNOUNCEMENTS: ReadonlySet<string> = new Set([EVENT.status, EVENT.lastReset, EVENT.appHash, EVENT.safeMode]);

/** The cloud's words about an OTA transfer itself. */
const TRANSFER_WORDS: ReadonlySet<string> = new Set([EVENT.flashStatus, EVENT.updatesPending, EVENT.otaResult]);

const DEVICE_ID = /^[0-9a-f]{24}$/i;

/** Trace lines since the flash began. */
export function flashTrace(ctx: StepContext, flash: LastFlash): LogLine[] {
  return ctx.board.log.lines().filter((l) => l.seq >= flash.logSeq);
}

/** This board's cloud events that are the flash's evidence; undefined without a cloud. */
export function flashEvents(ctx: StepContext, flash: LastFlash): CloudEvent[] | undefined {
  const { board } = ctx;
  const all = board.events?.events();
  if (!all) return undefined;
  // Another device's event (a product stream names each by its device ID) is not this board's; the cloud's own are.
  const since = all.filter((e) => e.seq >= flash.eventSeq && !(DEVICE_ID.test(e.coreid) && e.coreid.toLowerCase() !== board.id.toLowerCase()));
  const bootBefore = board.boots.bootOf({ at: flash.at });
  if (!bootBefore) return since;
  const firstWord = since.find((e) => TRANSFER_WORDS.has(e.name))?.seq ?? Infinity;
  return since.filter((e) => !(ANNOUNCEMENTS.has(e.name) && e.seq < firstWord && board.boots.bootOf(e)?.number === bootBefore.number));
}
