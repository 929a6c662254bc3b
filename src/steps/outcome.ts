// The one place where the way a step ended becomes a status. The classes
// stay apart in types: the rig's own reach failing (InfraError, a TimeoutError
// of a board call, a cancelled run) is 'infra', never 'fail'; a bench that
// cannot do something is 'skip' with the reason; only the board's own refusal
// (FlashRejectedError), a limit the plan set or an expectation not met is
// 'fail'. The runner owns the plan's and the steps' limits
// (src/runner/limits.ts) and aborts a step's signal with a DeadlineError when
// one runs out; whatever the step threw then, that reason decides.
import { DeadlineError, FlashRejectedError, UnsupportedError, InfraError, InputError, TimeoutError } from '../core/errors.js';
import type { StepStatus } from '../core/domain.js';

export interface Outcome {
  status: StepStatus;
  diagnosis?: string;
  skipReason?: string;
  details?: Record<string, unknown>;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Why an aborted signal was aborted, as an outcome. */
function abortOutcome(reason: unknown): Outcome {
  if (reason instanceof DeadlineError) return { status: 'fail', diagnosis: reason.message };
  return { status: 'infra', diagnosis: `cancelled: ${messageOf(reason)}` };
}

/**
 * The outcome of a step that threw `err` while running under `signal`.
 * InputError is rethrown: a wrong plan or firmware file is the runner's exit 2,
 * not a result of this board.
 */
export function outcomeOf(err: unknown, signal?: AbortSignal): Outcome {
  if (err instanceof InputError) throw err;
  // Whatever a cancelled call threw (AbortError, the reason itself), the cause is the abort.
  if (signal?.aborted) return abortOutcome(signal.reason);
  if (err instanceof DeadlineError) return { status: 'fail', diagnosis: err.message };
  if (err instanceof UnsupportedError) return { status: 'skip', skipReason: err.reason };
  if (err instanceof FlashRejectedError) {
    return { status: 'fail', diagnosis: `the board refused the firmware (${err.method}): ${err.message}`, details: { boardMessages: err.boardMessages } };
  }
  if (err instanceof InfraError) return { status: 'infra', diagnosis: err.format() };
  if (err instanceof TimeoutError) return { status: 'infra', diagnosis: `the rig lost its reach: ${err.message}` };
  // Anything else is a fault of the rig itself, never of the firmware under test.
  return { status: 'infra', diagnosis: `rig error: ${messageOf(err)}`, details: { error: err instanceof Error ? (err.stack ?? err.message) : String(err) } };
}

/**
 * The worse of two statuses for a composite (an attempt of a repeat):
 * fail > infra > pass > skip. A failure seen before the rig lost the board
 * still counts, as in the report's board verdict.
 */
export function worseStatus(a: StepStatus, b: StepStatus): StepStatus {
  const rank: Record<StepStatus, number> = { skip: 0, pass: 1, infra: 2, fail: 3 };
  return rank[a] >= rank[b] ? a : b;
}
