// Ordered expectations (`after: previous`): the symptom must come after the
// line, event or reset the previous symptom expectation matched
// (ctx.lastMatch). Within one capture "after" is by sequence number: the
// capture keeps the order in which the board's output arrived. Across the two
// captures (a trace line after a cloud event, a reset after a trace line) the
// only common clock is the host's, so "after" is by arrival time, with a
// slack: a trace line reaches the host over USB serial within milliseconds,
// an event goes through the network and the cloud and arrives later (tens
// to hundreds of milliseconds on a real bench; a few milliseconds on the
// simulated one, where the board clock runs `timeScale` times faster).
// Arrivals closer than the slack cannot be told apart, so an item that
// arrived at most that long before the previous match still counts as after
// it: the rig does not fail a plan on an order it cannot see. A trace line
// that arrived right after the rig reopened the board's port (a board boots
// faster than a host reconnects) may date from any time since the port went
// away; as the previous match it counts from then. The slack is
// one second of board time (on a real bench, one second of wall time: more
// than the cloud's usual delay), and never less than 25 ms of wall time (the
// host's own jitter on a fast simulated bench). The field symptoms a plan
// orders are seconds to minutes apart, well outside it.
import type { BenchClock } from '../../core/clock.js';
import type { Step } from '../../plan/steps.js';
import type { StepContext, CaptureStream, MatchedSymptom, CaptureMarks } from '../context.js';
import { stepTitle } from '../title.js';

export const CROSS_STREAM_SLACK_BOARD_MS = 1000;
export const CROSS_STREAM_SLACK_MIN_WALL_MS = 25;

/** Wall ms within which two arrivals on different captures count as simultaneous. */
export function crossStreamSlackMs(clock: BenchClock): number {
  return Math.max(CROSS_STREAM_SLACK_MIN_WALL_MS, clock.wallMs(CROSS_STREAM_SLACK_BOARD_MS));
}

interface Item {
  seq: number;
  at: number;
}

/** Seq of the first item that arrived at or after `wallMs`; items arrive in order. */
function firstArrivedFrom(items: readonly Item[], wallMs: number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.at < wallMs) lo = mid + 1;
    else hi = mid;
  }
  const hit = items[lo];
  if (hit) return hit.seq;
  const last = items.at(-1);
  return last ? last.seq + 1 : 0;
}

/** The first seq of `stream` that counts as after `prev`. */
export function firstSeqAfter(prev: MatchedSymptom, stream: CaptureStream, items: readonly Item[], clock: BenchClock): number {
  if (prev.stream === stream) return prev.seq + 1;
  return firstArrivedFrom(items, prev.at - crossStreamSlackMs(clock));
}

/** Where a symptom expectation looks in one capture, and against what it is ordered. */
export interface SymptomWindow {
  /** From the start of the last action. */
  actionSeq: number;
  /** Where the search starts: actionSeq, or later when ordered. */
  fromSeq: number;
  /** The previous match this one must follow. */
  after?: MatchedSymptom;
  /** Why an ordered expectation could not be ordered. */
  unordered?: string;
}

function itemsOf(ctx: StepContext, stream: CaptureStream): readonly Item[] {
  return stream === 'log' ? ctx.board.log.lines() : (ctx.board.events?.events() ?? []);
}

export function symptomWindow(ctx: StepContext, ordered: boolean, stream: CaptureStream): SymptomWindow {
  const marks = sinceLastAction(ctx);
  const actionSeq = stream === 'log' ? marks.logSeq : marks.eventSeq;
  if (!ordered) return { actionSeq, fromSeq: actionSeq };
  const prev = ctx.lastMatch;
  // The plan checks guarantee a symptom expectation before this one; it matched nothing (it failed and the plan went on).
  if (!prev) return { actionSeq, fromSeq: actionSeq, unordered: 'not checked: the previous expectation matched nothing' };
  return { actionSeq, fromSeq: Math.max(actionSeq, firstSeqAfter(prev, stream, itemsOf(ctx, stream), ctx.clock)), after: prev };
}

/** The last item the expectation would have matched, had it not been ordered: it came before the previous match. */
export function matchedBefore<T extends Item>(items: readonly T[], w: SymptomWindow, matches: (item: T) => boolean): T | undefined {
  if (!w.after) return undefined;
  return items.filter((i) => i.seq >= w.actionSeq && i.seq < w.fromSeq && matches(i)).at(-1);
}

/**
 * "X arrived, but before Y, not after it", with how much earlier in board
 * time; or, when X is the very item Y is, that no second one came.
 */
export function beforeDiagnosis(
  what: string, earlier: Item, stream: CaptureStream, w: SymptomWindow, clock: BenchClock,
): { diagnosis: string; details: Record<string, unknown> } {
  const prev = w.after!;
  const details = { after: prev.label, afterStep: prev.step };
  if (prev.stream === stream && prev.seq === earlier.seq) {
    return { diagnosis: `${what} arrived only as the match of the previous expectation (${prev.step}), not again after it`, details };
  }
  const leadMs = Math.max(0, clock.boardMs(prev.at - earlier.at));
  return { diagnosis: `${what} arrived, but before ${prev.label}, not after it`, details: { ...details, arrivedBeforeByMs: leadMs } };
}

/**
 * A symptom expectation matched `m`: remembered for the next ordered one to
 * follow, and the result's details about its own order (none when it was not ordered).
 */
export function rememberMatch(ctx: StepContext, step: Step, w: SymptomWindow, m: Omit<MatchedSymptom, 'step'> | undefined): { details?: Record<string, unknown> } {
  if (m) ctx.lastMatch = { ...m, step: stepTitle(step) };
  const order = orderDetails(w);
  return Object.keys(order).length > 0 ? { details: order } : {};
}

/** What a passing ordered expectation records about its order. */
export function orderDetails(w: SymptomWindow): Record<string, unknown> {
  if (w.after) return { after: w.after.label, afterStep: w.after.step };
  if (w.unordered) return { order: w.unordered };
  return {};
}

export function eventLabel(e: { name: string; data: string }): string {
  return `event ${e.name} ${JSON.stringify(e.data)}`;
}

export function lineLabel(l: { text: string }): string {
  return `trace line ${JSON.stringify(l.text)}`;
}

export function resetLabel(reason: string): string {
  return `reset ${reason}`;
}

// Where an expectation starts looking in the captures. `match` expectations
// (expect-log match, expect-event, expect-reset) look from the start of the
// last step that acted on the board (flash, mode, reset, power, fault), so
// what the board said while that step ran counts, and expectations in
// between do not move the start: `reset`, `expect-mode`, `expect-log` still
// sees the boot lines printed during the reset. `absent` for the log looks
// at the whole plan so far. Before any action: from the plan's start.
// `after: previous` narrows a match expectation's start further (above).
const ORIGIN: CaptureMarks = { logSeq: 0, eventSeq: 0 };

export function sinceLastAction(ctx: StepContext): CaptureMarks {
  return ctx.lastAction ?? ctx.planStart ?? ORIGIN;
}

export function sincePlanStart(ctx: StepContext): CaptureMarks {
  return ctx.planStart ?? ORIGIN;
}
