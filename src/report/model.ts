// What one run produced: the single input of every report writer (TAP,
// JUnit, JSON, HTML). The runner fills it; writers only read it.
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
}

export interface BoardReport {
  name: string;
  platform: PlatformName;
  id: DeviceId;
  /** Name of the plan this board ran. */
  plan: string;
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
}
