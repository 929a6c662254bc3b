// What a step runs against: one board, the plan's firmware for it, the
// bench's time scale, and a little memory of what earlier steps did (the
// last flash, where the plan and the last action began in the captures,
// what the last symptom expectation matched), which expectations and
// diagnoses rest on.
import type { ArmedFaultStatus, Board, BoardPresence, FirmwareImage, FlashReport } from '../core/board-contract.js';
import type { BenchClock, Deadline } from '../core/clock.js';
import type { FlashMethod, ModuleDependency, StepResult } from '../core/domain.js';
import type { Step } from '../plan/steps.js';

/** Positions in a board's captures: the seq the next log line / cloud event will get. */
export interface CaptureMarks {
  logSeq: number;
  eventSeq: number;
}

/** Where a flash began: which flash of its board it is, when, and where the captures stood. */
export interface FlashStart extends CaptureMarks {
  /** 1, 2, ...: the flashes of this board in this run, in order; its reports tell each update apart by it. */
  id: number;
  /** Wall ms (Date.now()) when the flash began: the boot the board was in then is judging/flash-window.ts's. */
  at: number;
}

// Counted per Board object: the runner opens each board once for a run.
const flashesOf = new WeakMap<Board, number>();

/** The start of a new flash of `board`: the next id, now, and where its captures stand. */
export function flashStart(board: Board): FlashStart {
  const id = (flashesOf.get(board) ?? 0) + 1;
  flashesOf.set(board, id);
  return { id, at: Date.now(), ...marksNow(board) };
}

/** What the previous flash did, kept for the expectations and diagnoses that follow it. */
export interface LastFlash extends FlashStart {
  firmware: string;
  via: FlashMethod;
  report: FlashReport;
  /** SHA-256 of the image sent (lower-case). */
  sha256?: string;
  /** The app the board reported running before the flash (last app-hash event), if any. */
  appBefore?: string;
  /** The board or the cloud refused the image (FlashRejectedError). */
  refused?: boolean;
  /** The mode the board was in when an OTA was sent (normal or safe: the comparison the field asks for). */
  modeBefore?: BoardPresence;
  /** What the image needs of the board (its prefix dependencies). */
  needs?: readonly ModuleDependency[];
  /** The fault the plan armed at this transfer, which fired during it (the verdict is then `interrupted`). */
  interruptedBy?: ArmedFaultStatus;
}

/** The two captures a symptom is found in. */
export type CaptureStream = 'log' | 'events';

/** What a symptom expectation matched: where `after: previous` starts looking (judging/symptom-window.ts). */
export interface MatchedSymptom {
  stream: CaptureStream;
  seq: number;
  /**
   * The earliest wall ms the item can date from: its arrival on the host
   * (LogLine.at, CloudEvent.at), or for a trace line that arrived right after
   * the port was reopened, when the port went away (LogLine.printedFrom).
   */
  at: number;
  /** The item in words, for a diagnosis: 'event spark/flash/status "success "'. */
  label: string;
  /** Title of the step that matched it. */
  step: string;
}

export interface StepContext {
  board: Board;
  /** Resolved and checked for this board (src/runner/firmware-for-board.ts). Throws InputError for an unknown name. */
  firmware(name: string): FirmwareImage;
  /** The bench's board time: every wait of a step is board time through it. */
  clock: BenchClock;
  /** Run cancellation and the plan's timeout; inside a step, also the step's own limit. */
  signal: AbortSignal;
  /**
   * A step's time limit, from the runner, its one owner (src/runner/limits.ts):
   * `signal` plus the step's own deadline, which aborts with a DeadlineError.
   * runStep asks for every step, a repeat's too, and clears it when the step
   * ends. Without it a step runs under `signal` alone.
   */
  limitStep?(step: Step, title: string, signal: AbortSignal): Deadline;
  /** Set by a flash step (runStep writes it back into the context it was given). */
  lastFlash?: LastFlash;
  /** Where the plan began in the captures; default: the start of the capture. */
  planStart?: CaptureMarks;
  /** Where the last step that acted on the board (flash, mode, reset, power, fault) began; runStep keeps it current. */
  lastAction?: CaptureMarks;
  /**
   * What the last symptom expectation (expect-event, expect-log match,
   * expect-reset) matched, since the last action; runStep keeps it current.
   */
  lastMatch?: MatchedSymptom;
  /** A live progress line for the display. */
  note(progress: string): void;
}

export type StepRunner<S> = (step: S, ctx: StepContext) => Promise<StepResult>;

/** Where the board's captures stand now. */
export function marksNow(board: Board): CaptureMarks {
  return { logSeq: nextSeq(board.log.lines()), eventSeq: nextSeq(board.events?.events() ?? []) };
}

// From the last item's seq, not the count: a capture may one day drop old lines.
function nextSeq(items: readonly { seq: number }[]): number {
  const last = items[items.length - 1];
  return last ? last.seq + 1 : 0;
}

/** Waits of expectations without `within`: 30 s of board time, as the old CLI waited for a reply. */
export const DEFAULT_WITHIN_MS = 30_000;
