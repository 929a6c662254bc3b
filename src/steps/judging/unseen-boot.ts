// A boot the log capture never saw. The capture follows the board's port
// across resets, but the host takes a moment to find and reopen it (udev, a
// loaded machine, a fast time scale); a board that resets again within that
// moment takes what it printed with it: its port goes, and a port nobody
// opened delivers nothing. The cloud still saw that boot: spark/status
// online, then offline, both while the capture had the port closed. An
// expectation on the trace that found nothing (or found nothing it must not
// find) then cannot speak for that boot: the rig missed it, which is
// infrastructure, never the firmware's failure nor a proven absence.
import type { BlindSpan, CloudEvent } from '../../core/board-contract.js';
import type { BenchClock } from '../../core/clock.js';
import { formatDuration } from '../../plan/duration.js';
import { EVENT } from './cloud-events.js';

export interface UnseenSession {
  /** When the capture had the port closed. */
  span: BlindSpan;
  /** The boot, as the cloud saw it inside the span: spark/status online, its spark/device/last_reset, then offline. */
  online: CloudEvent;
  reset: CloudEvent;
  offline: CloudEvent;
}

/**
 * The first boot of the board the cloud saw whole (online, its reset reason,
 * offline, in that order: the order a boot announces itself in) inside one
 * blind span of the log capture, among the events from `fromEventSeq`
 * whose offline came at or after `endedFrom` (wall ms: a boot over before
 * the window began is another step's business). A late offline of the
 * session before, arriving after the next online, is not a boot: its reset
 * reason comes after it.
 */
export function unseenSession(
  blind: readonly BlindSpan[], events: readonly CloudEvent[], o: { fromEventSeq: number; endedFrom?: number; now?: number },
): UnseenSession | undefined {
  const relevant = events.filter((e) => e.seq >= o.fromEventSeq && (e.name === EVENT.status || e.name === EVENT.lastReset));
  const now = o.now ?? Date.now();
  for (const span of blind) {
    const to = span.to ?? now;
    let online: CloudEvent | undefined;
    let reset: CloudEvent | undefined;
    for (const e of relevant) {
      if (e.at < span.from || e.at > to) continue;
      if (e.name === EVENT.lastReset) {
        if (online) reset ??= e;
      } else if (/^online/.test(e.data)) {
        online = e;
        reset = undefined;
      } else if (/^offline/.test(e.data)) {
        if (online && reset && e.at >= (o.endedFrom ?? -Infinity)) return { span, online, reset, offline: e };
        online = undefined;
        reset = undefined;
      }
    }
  }
  return undefined;
}

/** The diagnosis, and what to change, for an expectation on the trace that a missed boot leaves undecided. */
export function unseenBootWords(u: UnseenSession, clock: BenchClock, what: string, now = Date.now()): { message: string; fix: string } {
  const closedMs = (u.span.to ?? now) - u.span.from;
  const board = (wallMs: number): string => formatDuration(Math.max(0, Math.round(clock.boardMs(wallMs))));
  const closed = u.span.to === undefined ? `closed for ${board(closedMs)} so far` : `closed for ${board(closedMs)}`;
  const message = `the log capture missed a whole boot, so the trace cannot say whether ${what}: a boot (reset reason ${u.reset.data}) came online and went offline again ${board(u.offline.at - u.online.at)} later, as the cloud saw it, all while the rig had its serial port ${closed} (the board reset again before the host had reopened it)`;
  const scale = clock.timeScale;
  const fix = scale > 1
    ? `reopening the port took the host ${Math.round(closedMs)} ms, ${board(closedMs)} of board time at x${scale}: a lower timeScale leaves the host time to reopen it`
    : `reopening the port took the host ${Math.round(closedMs)} ms: check the host's load and udev`;
  return { message, fix };
}
