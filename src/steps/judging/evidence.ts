// The evidence a diagnosis rests on, as plain data: what the cloud said since
// the flash, what the board printed, what the tool or the board said of the
// flash, its reset reason, mode and modules, the app hash the step expected
// and found, and causes established outside the captures. diagnose.ts reads
// only this.
import type { BoardModule, BoardPresence } from '../../core/board-contract.js';
import type { FlashMethod, ModuleDependency } from '../../core/domain.js';
import type { StepContext } from '../context.js';
import { diagnose } from './diagnose.js';
import { EVENT } from './cloud-events.js';
import { flashEvents, flashTrace } from './flash-window.js';

export interface EvidenceEvent {
  name: string;
  data: string;
}

export interface Evidence {
  /** The flash the evidence follows, if any; `messages`: what the tool, the board or the cloud said of it (its claim). */
  flash?: { via: FlashMethod; firmware: string; appBefore?: string; refused?: boolean; needs?: readonly ModuleDependency[]; messages?: readonly string[] };
  /** Cloud events since the flash (or the plan's start); undefined when the bench has no cloud. */
  events?: readonly EvidenceEvent[];
  /** Trace log lines since the flash (or the plan's start). */
  trace: readonly string[];
  /** The last reset reason reported since the flash. */
  resetReason?: string;
  /** Where the board is now. */
  mode?: BoardPresence;
  modules?: readonly BoardModule[];
  /** SHA-256 (lower-case) the step expected the running app to have. */
  expectedApp?: string;
  /** What runs now; `hash` undefined = no valid app runs. Absent: not read. */
  runningApp?: { hash: string | undefined };
  /**
   * Causes the step established outside the captures, named first: the
   * fault the plan armed and the bench fired (where, and at what percent).
   */
  known?: readonly Cause[];
}

/** What a cause is about; a diagnosis names every kind the evidence holds once. */
export type CauseKind =
  | 'fault' | 'safe-mode' | 'panic' | 'refused' | 'dependency' | 'stall' | 'updates-held'
  | 'ota-failed' | 'not-applied' | 'ota-unfinished' | 'file-system' | 'link';

/** One cause in plain words, the evidence it rests on, and every kind it names (a stall quoting aborted transfers names the link too). */
export interface Cause {
  names: readonly CauseKind[];
  text: string;
  basis: string[];
}

/** A rule finding one cause in the evidence, told which kinds the causes before it named. */
export type CauseRule = (e: Evidence, named: ReadonlySet<CauseKind>) => Cause | undefined;

/** Every cause the evidence holds in plain words, the evidence they rest on, and the kinds named. */
export interface Diagnosis {
  text: string;
  basis: string[];
  causes: CauseKind[];
}

export { EVENT } from './cloud-events.js';

/** First 8 hex digits: how people quote an app hash. */
export function hash8(hash: string): string {
  return hash.slice(0, 8).toLowerCase();
}

export function eventsNamed(e: Evidence, name: string): EvidenceEvent[] {
  return (e.events ?? []).filter((ev) => ev.name === name);
}

export function lastEvent(e: Evidence, name: string): EvidenceEvent | undefined {
  return eventsNamed(e, name).at(-1);
}

export function describeEvent(ev: EvidenceEvent): string {
  return `event ${ev.name} = ${JSON.stringify(ev.data.length > 80 ? `${ev.data.slice(0, 80)}...` : ev.data)}`;
}

/** Trace lines matching `re`, for quoting. */
export function traceMatching(e: Evidence, re: RegExp): string[] {
  return e.trace.filter((l) => re.test(l));
}

// Collects the evidence for a diagnosis from the board's captures and a
// best-effort look at the board, then asks diagnose.ts. Reading the board
// here must never turn a failure into an infra result: what cannot be read
// is simply left out of the evidence.
/** Enough trace for any rule; an app logging at a high rate must not make this slow. */
const TRACE_LINES = 5000;

/** Evidence from the captures since the last flash (its window: flash-window.ts), or the plan's start. */
export function captureEvidence(ctx: StepContext): Evidence {
  const { board, lastFlash } = ctx;
  const from = ctx.planStart ?? { logSeq: 0, eventSeq: 0 };
  const lines = lastFlash ? flashTrace(ctx, lastFlash) : board.log.lines().filter((l) => l.seq >= from.logSeq);
  const events = lastFlash ? flashEvents(ctx, lastFlash) : board.events?.events().filter((e) => e.seq >= from.eventSeq);
  const trace = lines.slice(-TRACE_LINES).map((l) => l.text);
  const captured = events?.map((e) => ({ name: e.name, data: e.data }));
  // Without a cloud the board's own report is all there is; with one, only resets since the flash count.
  const resetEvent = captured?.filter((e) => e.name === EVENT.lastReset).at(-1);
  const resetReason = captured ? resetEvent?.data : board.lastResetReason();
  const flash = lastFlash && {
    via: lastFlash.via, firmware: lastFlash.firmware, appBefore: lastFlash.appBefore, messages: lastFlash.report.messages,
    ...(lastFlash.refused ? { refused: true } : {}), ...(lastFlash.needs ? { needs: lastFlash.needs } : {}),
  };
  return { trace, events: captured, resetReason, flash };
}

async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/**
 * The board's mode, and in safe mode (or when asked: after an update that
 * did not apply) its modules, to name a failed or unmet dependency.
 */
export async function boardEvidence(
  ctx: StepContext,
  known: { mode?: BoardPresence; modules?: readonly BoardModule[]; readModules?: boolean } = {},
): Promise<Partial<Evidence>> {
  const out: Partial<Evidence> = {};
  const mode = known.mode ?? (await quietly(() => ctx.board.presence(ctx.signal)));
  if (mode) out.mode = mode;
  const read = mode === 'safe' || (known.readModules === true && mode !== 'absent' && mode !== 'dfu');
  const modules = known.modules ?? (read ? await quietly(() => ctx.board.modules(ctx.signal)) : undefined);
  if (modules) out.modules = modules;
  return out;
}

/** Diagnosis of a failed step: captures, the board's state, and what the step itself saw. */
export async function diagnoseFailure(ctx: StepContext, seen: Partial<Evidence> = {}): Promise<Diagnosis | undefined> {
  const board = await boardEvidence(ctx, { mode: seen.mode, modules: seen.modules });
  return diagnose({ ...captureEvidence(ctx), ...board, ...seen });
}

/** The diagnosis as result fields, with the evidence it rests on in details. */
export function diagnosisFields(d: Diagnosis | undefined, fallback: string): { diagnosis: string; details?: Record<string, unknown> } {
  return d ? { diagnosis: d.text, details: { diagnosisBasis: d.basis } } : { diagnosis: fallback };
}
