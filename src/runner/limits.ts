// The time limits of a board's run, owned here and nowhere else: one
// deadline for the plan on the board and one for each step (a repeat's steps
// too), in board time through the bench's clock. Each aborts with a typed
// reason, a DeadlineError that names the limit and what the step was doing
// when it ran out: a board that did not do something within the time the
// plan gave it is the step's failure, not the bench's (steps/outcome.ts).
// Timers go through deadlineAfter, which keeps them within what Node can
// hold (MAX_TIMER_MS): an absurd limit is as good as none, never a crash.
import { deadlineAfter, type BenchClock, type Deadline } from '../core/clock.js';
import { DeadlineError } from '../core/errors.js';
import type { Step } from '../plan/steps.js';

/** Board time a top-level step may take when the plan gives it no timeout of its own. */
export const DEFAULT_STEP_TIMEOUT_MS = 10 * 60_000;

/** "5 s", "10 min", "1 h 30 min", "500 ms". */
export function boardTime(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms));
  for (const [unit, size] of [['h', 3_600_000], ['min', 60_000], ['s', 1000], ['ms', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) parts.push(`${n} ${unit}`);
    rest -= n * size;
  }
  return parts.length ? parts.join(' ') : '0 s';
}

/** What a step was doing, as the end of "ran out ...": "while waiting for /x/ in the trace", "during flash app via dfu: 40%". */
function doingText(doing: string): string {
  return /^[a-z]+ing\b/.test(doing) ? `while ${doing}` : `during ${doing}`;
}

/** A limit the plan set ran out: the step's `timeout` (or the default), or the plan's. */
export class LimitRanOut extends DeadlineError {
  constructor(
    readonly limit: 'step' | 'plan',
    what: string,
    limitMs: number,
    /** What the step was doing: its last progress note, else its title; undefined between steps. */
    readonly doing: string | undefined,
  ) {
    super(what, limitMs);
    this.message = `the ${limit}'s timeout of ${boardTime(limitMs)} board time ran out ${doing === undefined ? 'between steps' : doingText(doing)}`;
  }
}

interface Running {
  title: string;
  note?: string;
}

/**
 * The limits of one plan on one board. `signal` (the run's cancellation and
 * the plan's deadline) is what every step runs under; `forStep` gives each
 * step its own deadline on top, and is what StepContext.limitStep calls.
 */
export class BoardLimits {
  readonly signal: AbortSignal;
  private readonly plan: Deadline;
  /** The steps running now, outermost first (a repeat and the step of its attempt). */
  private readonly running: Running[] = [];

  constructor(private readonly o: { plan: { name: string; timeoutMs: number }; clock: BenchClock; run: AbortSignal }) {
    this.plan = deadlineAfter(o.clock.wallMs(o.plan.timeoutMs), () => new LimitRanOut('plan', `plan ${o.plan.name}`, o.plan.timeoutMs, this.doing()));
    this.signal = AbortSignal.any([o.run, this.plan.signal]);
  }

  /** The plan's timeout ran out on this board. */
  get planRanOut(): boolean {
    return this.plan.signal.aborted;
  }

  /**
   * The deadline of `step` under `parent`: its own `timeout`; a top-level step
   * without one gets DEFAULT_STEP_TIMEOUT_MS (a repeat, the plan's timeout); a
   * step inside a repeat without one has only the repeat's. Clear it when the step ends.
   */
  forStep(step: Step, title: string, parent: AbortSignal): Deadline {
    const topLevel = this.running.length === 0;
    const limitMs = step.timeoutMs ?? (!topLevel ? undefined : step.kind === 'repeat' ? this.o.plan.timeoutMs : DEFAULT_STEP_TIMEOUT_MS);
    const entry: Running = { title };
    this.running.push(entry);
    const own = limitMs === undefined ? undefined : deadlineAfter(this.o.clock.wallMs(limitMs), () => new LimitRanOut('step', title, limitMs, this.doing()));
    return {
      signal: own ? AbortSignal.any([parent, own.signal]) : parent,
      clear: () => {
        own?.clear();
        const i = this.running.lastIndexOf(entry);
        if (i >= 0) this.running.splice(i, 1);
      },
    };
  }

  /** A progress note of the step running now: what a limit that runs out says the step was doing. */
  note(text: string): void {
    const current = this.running.at(-1);
    if (current) current.note = text;
  }

  /** What the innermost running step is doing: its last note, else its title. */
  doing(): string | undefined {
    const current = this.running.at(-1);
    return current && (current.note ?? current.title);
  }

  /** Ends the plan's deadline (the board's run is over). */
  clear(): void {
    this.plan.clear();
  }
}
