// What one run produced: the single input of every report writer (TAP,
// JUnit, JSON, HTML). The runner fills it; writers only read it.
import type { HealthCheck } from '../core/board-contract.js';
import type { DeviceId, StepResult } from '../core/domain.js';
import type { PlatformName } from '../core/platform.js';

/**
 * A board's verdict. `infra` = the rig could not reach or drive the board;
 * it is never folded into `fail`, which belongs to the firmware under test.
 */
export type BoardStatus = 'pass' | 'fail' | 'infra' | 'skip';

/**
 * A step result as reports see it. A `repeat` step carries its statistics in
 * `details` and its attempts in `children` (each a full step result, so the
 * failing attempt keeps its own diagnosis, log excerpt and trace).
 */
export type ReportStep = StepResult & { children?: ReportStep[] };

export interface BoardArtifacts {
  /** Every byte the board printed, timestamped on arrival. */
  trace?: string;
  /** Cloud events, one JSON object a line. */
  events?: string;
  /** Captures a lab's agent cut at the size a job may send back, each saying how much of how much is kept. */
  cut?: string[];
}

export interface BoardReport {
  name: string;
  platform: PlatformName;
  id: DeviceId;
  /** Name of the plan this board ran. */
  plan: string;
  /** The Device OS version the job ran against, where the runner knows it (a simulated board's spec). */
  deviceOs?: string;
  /** The plan's firmware for this board: name -> lowercase SHA-256. */
  firmware?: Record<string, string>;
  status: BoardStatus;
  /**
   * Why the board as a whole ended as it did when no step says so: the board
   * was missing (infra), excluded (skip), or the plan timed out on it.
   */
  diagnosis?: string;
  /** ISO 8601; defaults to the run's start in reports that need it. */
  startedAt?: string;
  durationMs: number;
  /** The bench host that drove the board, when several hosts share a run. */
  host?: string;
  steps: ReportStep[];
  /**
   * What the bench put back after the plan, so the next plan starts clean
   * (armed faults disarmed, link restored, power on, USB plugged in), and why
   * the board was not back if it was not. Absent when nothing needed it.
   */
  restored?: { done: string[]; problem?: string };
  artifacts: BoardArtifacts;
  /**
   * The boots (USB enumerations) the rig saw during the job, the one it began
   * in first, and the modes it read the board in: the HTML report's timeline.
   */
  boots?: ReportBoot[];
  modes?: ReportMode[];
  /** What changed since the previous recorded run of this plan on this board (src/history); absent without a history. */
  changes?: BoardChanges;
}

/** A boot as the board layer recorded it (src/board/boots.ts), dated in ISO 8601. */
export interface ReportBoot {
  number: number;
  /** Why it began: reset, power, flash, mode, replug, enumeration (of its own accord), found. */
  why: string;
  /** From when it may have begun, and when the rig first saw it on USB. */
  startedAt: string;
  seenAt: string;
  /** Its first trace line's and first cloud event's seq. */
  logSeq: number;
  eventSeq: number;
}

/** A mode the rig read the board in, from `at` on. */
export interface ReportMode {
  at: string;
  mode: string;
}

/** A step that both passed and failed with the same firmware SHA-256s on the same board and Device OS. */
export interface FlakyStep {
  /** The step's title; `repeat title / step title` for a step inside a repeat. */
  step: string;
  passed: number;
  failed: number;
  /** Where it did both: across the runs in the history, or across the attempts of a repeat in this run. */
  seen: 'history' | 'repeat';
}

/** A board's plan compared with the previous recorded run of the same plan on the same board. */
export interface BoardChanges {
  /** The run compared with; absent when this is the first recorded run of the plan on the board. */
  previousRun?: string;
  /** Steps that fail now and did not before (passed, skipped or absent). */
  newFailures: string[];
  /** Steps that pass now and failed before. */
  fixed: string[];
  /** Steps that failed before and fail now. */
  stillFailing: string[];
  /** Flaky steps of this run; a flaky step is not also counted as new failure or fixed. */
  flaky: FlakyStep[];
}

/** The run's changes, summed over its boards. */
export interface RunChanges {
  /** The history database compared with and recorded in. */
  history: string;
  newFailures: number;
  fixed: number;
  stillFailing: number;
  flaky: number;
  /** Boards (plan on board) that had a previous run to compare with. */
  compared: number;
}

/**
 * A board's health check before its first job (src/runner/health.ts). An
 * unhealthy board runs no job: each of its jobs is reported as
 * infrastructure with `reason`, and the other boards run.
 */
export interface BoardHealth {
  name: string;
  platform: PlatformName;
  id: DeviceId;
  healthy: boolean;
  /** Why it is not healthy, in one line. */
  reason?: string;
  /** The looks the check made, in order; a failed one ends it. */
  checks: HealthCheck[];
  /** The bench's own health plan, when it names one and the looks passed: its verdict and steps. */
  plan?: { name: string; status: BoardStatus; steps: ReportStep[] };
  durationMs: number;
}

export interface PlanRef {
  name: string;
  file: string;
}

export interface RunReport {
  runId: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601. */
  endedAt: string;
  rigVersion: string;
  bench: string;
  /** Host name of the bench computer (JUnit's `hostname`). */
  host: string;
  plans: PlanRef[];
  /** Present when the run was cut short: SIGINT, plan timeout, lost infrastructure. */
  bailOut?: { reason: string };
  boards: BoardReport[];
  /** Each board's health check, in bench order; absent when the run checked none (it bailed out first, or --no-health). */
  health?: BoardHealth[];
  /** What changed since the previous recorded runs (src/history); absent without a history. */
  changes?: RunChanges;
}
