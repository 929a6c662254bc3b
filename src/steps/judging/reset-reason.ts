// Waiting for a reset reason. With a cloud, the evidence is a
// spark/device/last_reset event since a given point (so an old reset with the
// same reason does not count); without one, the board's own last report.
import type { CloudEvent } from '../../core/board-contract.js';
import type { ResetReason } from '../../core/domain.js';
import type { StepContext } from '../context.js';
import { EVENT } from './evidence.js';
import { pollUntil } from '../poll.js';

export interface ResetReasonSeen {
  /** The reason wanted was reported. */
  found: boolean;
  /** The spark/device/last_reset event that reported it (with a cloud). */
  event?: CloudEvent;
  /** The latest reason reported (since `fromEventSeq` with a cloud). */
  latest: string | undefined;
  source: 'cloud' | 'board';
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The last_reset event data that reports `reason`. */
export function resetData(reason: string): RegExp {
  return new RegExp(`^${escape(reason)}$`);
}

export async function waitForResetReason(
  ctx: StepContext,
  want: ResetReason,
  o: { fromEventSeq: number; withinWallMs: number },
): Promise<ResetReasonSeen> {
  const events = ctx.board.events;
  if (events) {
    const hit = await events.waitFor(EVENT.lastReset, {
      data: resetData(want), fromSeq: o.fromEventSeq, withinMs: o.withinWallMs, signal: ctx.signal,
    });
    const latest = events.events().filter((e) => e.seq >= o.fromEventSeq && e.name === EVENT.lastReset).at(-1)?.data;
    return { found: hit !== undefined, ...(hit ? { event: hit } : {}), latest: hit ? want : latest, source: 'cloud' };
  }
  const r = await pollUntil(async () => ctx.board.lastResetReason(), (reason) => reason === want, {
    withinMs: o.withinWallMs, intervalMs: ctx.clock.pollMs(), signal: ctx.signal,
  });
  return { found: r.satisfied, latest: r.value, source: 'board' };
}
