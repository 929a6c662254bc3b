// The run, owned here from start to end. Everything that can be checked
// without a board is checked first (InputError, exit 2, nothing touched);
// then the boards are locked, the bench made reachable (the simulated bench
// started), the boards opened and the plans run. The reports are written in
// `finally`: a run cut short (Ctrl-C, a board in use, a bench that would
// not start) still leaves a valid report that says why and bails out, and
// every board is closed and unlocked first. The CLI hands in parsed options
// and shows what the watcher hears.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { openBoards } from '../board/open-bench.js';
import type { LoadedBench } from '../bench/loader.js';
import type { Bench } from '../bench/schema.js';
import type { Board } from '../core/board-contract.js';
import { InfraError, InputError } from '../core/errors.js';
import { checkBenchSecrets } from '../bench/secrets.js';
import { recordRun, type JobFacts } from '../history/record.js';
import type { BoardHealth, BoardReport, RunReport } from '../report/model.js';
import { exitStatus, type ExitStatus } from '../report/verdict.js';
import { writeReports, type WrittenReport } from '../report/write.js';
import { bailOut, bailOutIfStopped, bailOutStopped } from './bail-out.js';
import { openBenchSession, type BenchSession } from './bench-session.js';
import { lockBoard, type BoardLock } from './board-lock.js';
import { boardsUsed, preparePlans, type PreparableBoard, type PreparedPlan } from './prepare.js';
import type { StepEvent } from './run-board.js';
import { DEFAULT_HEALTH_TIMEOUT_MS, type HealthOptions } from './health.js';
import { newRunId } from './run-id.js';
import { emptyReport, runPlans, type PlannedRun } from './run-plans.js';

/** How long a run waits for a board another run holds, unless told (--lock-wait). */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

export interface RunRequest {
  /** Plan files, in the order they run; each on its boards in parallel. */
  plans: readonly string[];
  bench: LoadedBench;
  /** Only these boards of the bench (--board). */
  only?: readonly string[];
  /** Each plan this many times on each board (--repeat); 1 when absent. */
  repeat?: number;
  /** ${NAME}s for the plans' firmware paths (--set), over the environment and the plans' env. */
  variables?: Readonly<Record<string, string>>;
  /** How long to wait for a board another run holds (--lock-wait). */
  lockWaitMs?: number;
  /** The run's report folder; reports/<run-id> under the current folder when absent. */
  reportDir?: string;
  /** Extra copies of the reports (--tap, --junit, --json; --html names a folder). */
  copies?: { tap?: string; junit?: string; json?: string; html?: string };
  rigVersion: string;
  /** Stops the run (Ctrl-C, SIGTERM): steps end, boards are released, the report is still written and bails out with the reason. */
  signal?: AbortSignal;
  /**
   * The history database the run is recorded in and compared with (--history); `false` records
   * nothing (--no-history). Absent: $RIG_HISTORY, else history.db next to the run folder.
   */
  history?: string | false;
  /** false: no health check before the boards' first jobs (--no-health). */
  health?: boolean;
  /** How the bench is reached; openBenchSession (which starts a simulated bench) when absent. */
  openSession?: (bench: LoadedBench, signal?: AbortSignal) => Promise<BenchSession>;
}

/** What a run tells whoever shows it; every callback is optional. */
export interface RunWatcher {
  /** The run is about to lock and open its boards. */
  started?(run: { runId: string; dir: string; boards: string[] }): void;
  /** A step begins (no result) or ends (with its result). */
  step?(event: StepEvent): void;
  /** What a board's step is doing now. */
  note?(board: string, text: string): void;
  /** A board's health check ended; `jobs` is how many jobs it has in the run. */
  health?(health: BoardHealth, jobs: number): void;
  /** The run was cut short by `err` outside any step; the report bails out with it. */
  bailedOut?(err: unknown): void;
  /** A board is held by another run: this one waits up to `waitMs` for it. */
  waitingForLock?(board: string, heldBy: string, waitMs: number): void;
  /** The run could not be recorded in its history; the reports are still written, without changes. */
  historyFailed?(path: string, err: unknown): void;
  /** The reports are written (run folder first). */
  written?(files: readonly WrittenReport[]): void;
}

export interface RunOutcome {
  report: RunReport;
  written: WrittenReport[];
  exitCode: ExitStatus;
}

export async function runPlansOnBench(request: RunRequest, watch: RunWatcher = {}): Promise<RunOutcome> {
  const { bench } = request.bench;
  const prepared = await preparePlans(request.plans, bench, { only: request.only, repeat: request.repeat, variables: request.variables });
  const health = request.health === false ? undefined : await healthOptions(bench, request.only);
  // A token that cannot be read is bad input, found before a run folder exists to hold a report.
  await checkBenchSecrets(bench);
  const signal = request.signal ?? new AbortController().signal;
  const runId = newRunId();
  const dir = resolve(request.reportDir ?? join('reports', runId));
  mkdirSync(dir, { recursive: true });
  const used = boardsUsed(prepared);
  const runs: PlannedRun[] = prepared.map((p) => ({ loaded: p.loaded, boards: [] }));
  let report = emptyReport({ runId, rigVersion: request.rigVersion, bench: bench.name, runs });
  const locks: BoardLock[] = [];
  let session: BenchSession | undefined;
  let boards = new Map<string, Board | Error>();
  let written: WrittenReport[] = [];
  watch.started?.({ runId, dir, boards: [...used.values()].map((b) => b.name) });
  try {
    for (const b of used.values()) {
      locks.push(await lockBoard(b.id, { board: b.name, runId }, {
        waitMs: request.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS, signal, onWait: (heldBy, waitMs) => watch.waitingForLock?.(b.name, heldBy, waitMs),
      }));
    }
    session = await (request.openSession ?? openBenchSession)(request.bench, signal);
    const wanted = session.boards.filter((b) => used.has(b.id));
    boards = await openBoards(session.access, wanted, { artifactsDir: (b) => join(dir, b.name) });
    prepared.forEach((p, i) => {
      runs[i]!.boards = p.boards.map((b) => ({ bench: b.bench, board: boards.get(b.bench.id) ?? new Error('not opened'), firmware: b.firmware }));
    });
    report = await runPlans({
      runId, rigVersion: request.rigVersion, bench: bench.name, timeScale: bench.timeScale, runs, signal, ...(health ? { health } : {}),
      onStep: (e) => watch.step?.(e), onNote: (b, t) => watch.note?.(b, t), onHealth: (h, jobs) => watch.health?.(h, jobs),
    }, report);
  } catch (err) {
    if (signal.aborted && !(err instanceof InputError)) {
      // Stopped (Ctrl-C, SIGTERM) while the boards were locked or the bench started: nothing ran, nobody failed.
      bailOutStopped(report, prepared, signal);
    } else {
      // Input found wrong this late still leaves a report that says the run did not happen, never
      // an empty one a CI tool reads as green; anything else here is the rig's reach.
      bailOut(report, prepared, err instanceof InputError ? new InfraError(`the run did not start: ${err.format()}`) : err);
      if (err instanceof InputError) throw err;
      watch.bailedOut?.(err);
    }
  } finally {
    bailOutIfStopped(report, signal);
    report.endedAt = new Date().toISOString();
    await Promise.allSettled([...boards.values()].map((b) => (b instanceof Error ? undefined : b.close())));
    await Promise.allSettled([session?.close()]);
    for (const l of locks) l.release();
    written = await recordAndWrite(report, prepared, { dir, history: request.history, copies: request.copies }, watch);
  }
  return { report, written, exitCode: exitStatus(report) };
}

/** The health check of the bench's boards: its time, and its health plan prepared for each board it selects. */
async function healthOptions(bench: Bench, only: readonly string[] | undefined): Promise<HealthOptions> {
  const timeoutMs = bench.health?.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS;
  if (!bench.health?.plan) return { timeoutMs };
  const [plan] = await preparePlans([bench.health.plan], bench, only ? { only } : {});
  if (!plan) return { timeoutMs };
  return { timeoutMs, plan: { loaded: plan.loaded, firmware: new Map(plan.boards.map((b) => [b.bench.id, b.firmware])) } };
}

/**
 * A run's end, for a local run and a lab's alike: each job's facts (firmware
 * SHA-256s, Device OS), the run recorded in its history and compared, and
 * the reports written (run folder first).
 */
export async function recordAndWrite(
  report: RunReport,
  prepared: readonly PreparedPlan<PreparableBoard>[],
  o: { dir: string; history?: string | false | undefined; copies?: RunRequest['copies'] },
  watch: Pick<RunWatcher, 'historyFailed' | 'written'> = {},
): Promise<WrittenReport[]> {
  const factsOf = jobFacts(prepared);
  for (const b of report.boards) {
    const facts = factsOf(b);
    b.firmware = facts.firmware;
    if (facts.deviceOs) b.deviceOs = facts.deviceOs;
  }
  const history = historyPath(o.history, o.dir);
  if (history) {
    try {
      const recorded = recordRun(history, report, factsOf);
      report.changes = recorded.run;
      report.boards.forEach((b, i) => (b.changes = recorded.boards[i]));
    } catch (err) {
      watch.historyFailed?.(history, err);
    }
  }
  const written = await writeReports(report, { dir: o.dir, ...o.copies });
  watch.written?.(written);
  return written;
}

/** Where the run is recorded: --history, else $RIG_HISTORY, else history.db next to the run folder (reports/history.db by default). */
export function historyPath(option: string | false | undefined, runDir: string): string | undefined {
  if (option === false) return undefined;
  if (option !== undefined) return resolve(option);
  const env = process.env.RIG_HISTORY;
  return env ? resolve(env) : join(dirname(runDir), 'history.db');
}

/** What the history keeps of each job beyond its report: the plan's firmware for the board, its Device OS, the plan file. */
function jobFacts(prepared: readonly PreparedPlan<PreparableBoard>[]): (board: BoardReport) => JobFacts {
  return (board) => {
    const plan = prepared.find((p) => p.loaded.plan.name === board.plan);
    const b = plan?.boards.find((x) => x.bench.id === board.id);
    const firmware: Record<string, string> = {};
    for (const [name, fw] of b?.firmware ?? []) firmware[name] = fw.info.sha256.toLowerCase();
    const deviceOs = b?.bench.deviceOs;
    return { firmware, ...(deviceOs ? { deviceOs } : {}), ...(plan ? { planFile: plan.loaded.file } : {}) };
  };
}
