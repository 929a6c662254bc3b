// `rig run`: plans on the boards of a bench, reports written whatever happens.
// Order matters: everything that can be checked without a board is checked
// first (exit 2), boards are locked before they are touched, and the report
// is written in `finally`, so an interrupted or failed run still leaves a
// valid report with everything captured so far.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openBoards } from '../../board/open-bench.js';
import type { Board } from '../../core/board-contract.js';
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import type { Bench, BenchBoard } from '../../bench/schema.js';
import { InputError } from '../../core/errors.js';
import { loadPlan, type LoadedPlan } from '../../plan/loader.js';
import { selectBoards } from '../../plan/select.js';
import type { RunReport } from '../../report/model.js';
import { exitStatus } from '../../report/verdict.js';
import { writeReports } from '../../report/write.js';
import { lockBoard, type BoardLock } from '../../runner/board-lock.js';
import { expectedModules, firmwareForBoard, type FirmwareImage } from '../../runner/firmware-for-board.js';
import { progressFor } from '../../runner/progress.js';
import { emptyReport, runPlans, type PlannedRun } from '../../runner/run-plans.js';
import { newRunId } from '../../runner/run-id.js';
import { parseDuration } from '../../plan/duration.js';
import { problemsOf } from '../../yaml/input-errors.js';
import { openBenchSession, type BenchSession } from '../bench-session.js';
import { rigVersion } from '../version.js';
import { interruptions } from '../interruptions.js';
import { describeError, errorLines } from '../exit.js';

export interface RunOptions {
  bench?: string;
  board?: string[];
  reportDir?: string;
  tap?: string;
  junit?: string;
  json?: string;
  repeat?: string;
  lockWait?: string;
}

interface Prepared {
  loaded: LoadedPlan;
  boards: { bench: BenchBoard; firmware: Map<string, FirmwareImage> }[];
}

function repeatCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--repeat: "${text}" is not a whole number of at least 1`, undefined, 'e.g. --repeat 10');
  return n;
}

/** Plans, boards and firmware: everything checked before a board is touched. */
async function prepare(files: string[], bench: Bench, only: string[] | undefined, repeat: number): Promise<Prepared[]> {
  const prepared: Prepared[] = [];
  const problems: InputError[] = [];
  for (const file of files) {
    try {
      const loaded = await loadPlan(file);
      if (repeat > 1) {
        const plan = loaded.plan;
        loaded.plan = { ...plan, steps: [{ kind: 'repeat', until: undefined, count: repeat, steps: plan.steps, name: `${plan.name} x${repeat}`, timeoutMs: undefined, continueOnFailure: false }], timeoutMs: plan.timeoutMs * repeat };
      }
      const expected = expectedModules(loaded);
      const boards = selectBoards(loaded, bench, only ? { only } : {}).map((b) => {
        const firmware = new Map<string, FirmwareImage>();
        for (const name of Object.keys(loaded.plan.firmware)) firmware.set(name, firmwareForBoard(loaded, name, b, expected.get(name)));
        return { bench: b, firmware };
      });
      prepared.push({ loaded, boards });
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...problemsOf(err));
    }
  }
  if (problems.length) throw new InputError(problems.map((p) => p.format()).join('\n'));
  return prepared;
}

export async function runCommand(files: string[], opts: RunOptions): Promise<number> {
  const benchFile = benchFileFor(opts.bench);
  const loadedBench = await loadBench(benchFile.file);
  const bench = loadedBench.bench;
  const prepared = await prepare(files, bench, opts.board, repeatCount(opts.repeat));
  const lockWaitMs = opts.lockWait ? parseDuration(opts.lockWait) : 30_000;
  if (lockWaitMs === undefined) throw new InputError(`--lock-wait: "${opts.lockWait}" is not a duration like 30s or 10m`);

  const runId = newRunId();
  const runDir = resolve(opts.reportDir ?? join('reports', runId));
  mkdirSync(runDir, { recursive: true });
  const used = new Map<string, BenchBoard>();
  for (const p of prepared) for (const b of p.boards) used.set(b.bench.id, b.bench);

  const stop = interruptions();
  const locks: BoardLock[] = [];
  let session: BenchSession | undefined;
  let boards = new Map<string, Board | Error>();
  const runs: PlannedRun[] = prepared.map((p) => ({ loaded: p.loaded, boards: [] }));
  let report: RunReport = emptyReport({ runId, rigVersion: rigVersion(), bench: bench.name, runs });
  const progress = progressFor([...used.values()].map((b) => b.name));
  try {
    for (const b of used.values()) locks.push(await lockBoard(b.id, { board: b.name, runId }, { waitMs: lockWaitMs, signal: stop.signal }));
    session = await openBenchSession(loadedBench);
    const wanted = session.boards.filter((b) => used.has(b.id));
    const access = session.access;
    boards = await openBoards(access, wanted, { artifactsDir: (b) => join(runDir, b.name) });
    prepared.forEach((p, i) => {
      runs[i]!.boards = p.boards.map((b) => ({ bench: b.bench, board: boards.get(b.bench.id) ?? new Error('not opened'), firmware: b.firmware }));
    });
    report = await runPlans({
      runId, rigVersion: rigVersion(), bench: bench.name, timeScale: bench.timeScale, runs, signal: stop.signal,
      onStep: (e) => progress.step(e), onNote: (b, t) => progress.note(b, t),
    }, report);
  } catch (err) {
    // Input errors were raised before any board was touched; anything else here is the rig's reach.
    if (err instanceof InputError) throw err;
    process.stderr.write(errorLines(err));
    report.bailOut = { reason: describeError(err) };
    for (const p of prepared) for (const b of p.boards) {
      if (!report.boards.some((r) => r.id === b.bench.id && r.plan === p.loaded.plan.name)) {
        report.boards.push({ name: b.bench.name, platform: b.bench.platform, id: b.bench.id, plan: p.loaded.plan.name, status: 'infra', diagnosis: report.bailOut.reason, durationMs: 0, steps: [], artifacts: {} });
      }
    }
  } finally {
    progress.close();
    if (stop.signal.aborted && !report.bailOut) report.bailOut = { reason: String(stop.signal.reason) };
    report.endedAt = new Date().toISOString();
    await Promise.allSettled([...boards.values()].map((b) => (b instanceof Error ? undefined : b.close())));
    await session?.close();
    for (const l of locks) l.release();
    stop.dispose();
    const written = await writeReports(report, { dir: runDir, tap: opts.tap, junit: opts.junit, json: opts.json });
    process.stderr.write(`report: ${written.map((w) => w.path).join(', ')}\n`);
  }
  return exitStatus(report);
}
