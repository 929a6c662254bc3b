// Parallelism: the smoke plan on 16 simulated boards (4 of each board of
// rig/sim.yaml) against 1. Boards of different kinds take different times
// on their own (a cellular Electron is slower), so "1" is each board of the
// bench alone, and the ratio is taken against the slowest of them: perfect
// parallelism would make 16 boards take as long as that one. Wall time is
// the whole `rig run` process (simulator start, firmware, boards, reports);
// the report's own start-to-end span is shown beside it.
import { copies, onlyBoard, readSimBench, writeBench } from './lib/bench-files.js';
import { smokeForAnyScale } from './lib/plan-files.js';
import type { WorkDir } from './lib/paths.js';
import { passedBoards, runRig, type RigRun } from './lib/rig-run.js';
import { runSpanMs } from './lib/report-json.js';
import { groupBy, median, round1 } from './lib/stats.js';

export const PARALLEL_TARGET_RATIO = 1.5;

export interface ParallelOptions {
  /** Copies of each bench board in the big run (4 x 4 boards = 16). */
  copiesOfEach: number;
  log(line: string): void;
}

export interface RunTiming {
  boards: number;
  passed: number;
  wallMs: number;
  runMs: number;
}

export interface KindTiming {
  kind: string;
  /** Median step wall ms with boards alone, and with all of them at once. */
  aloneMs: number;
  togetherMs: number;
}

export interface ParallelResult {
  singles: (RunTiming & { board: string })[];
  slowestSingle: string;
  many: RunTiming;
  ratioWall: number;
  ratioRun: number;
  byKind: KindTiming[];
}

function timing(run: RigRun): RunTiming {
  return { boards: run.report.boards.length, passed: passedBoards(run).length, wallMs: round1(run.wallMs), runMs: runSpanMs(run.report) };
}

function stepWalls(runs: RigRun[], kinds: string[]): { kind: string; ms: number }[] {
  return runs.flatMap((r) => passedBoards(r).flatMap((b) => b.steps.map((s, i) => ({ kind: kinds[i] ?? '?', ms: s.durationMs }))));
}

export async function benchParallel(work: WorkDir, o: ParallelOptions): Promise<ParallelResult> {
  const doc = await readSimBench();
  // The smoke plan as shipped, with limits that a loaded machine cannot trip.
  const plan = await smokeForAnyScale(work.path('smoke-parallel.yaml'));
  const limitMs = 150_000;

  const singleRuns: RigRun[] = [];
  const singles: ParallelResult['singles'] = [];
  for (const board of doc.boards) {
    const bench = await writeBench(work.path(`one-${board.name}.yaml`), onlyBoard(doc, board.name));
    o.log(`parallel: smoke plan on ${board.name} alone`);
    const run = await runRig({ plan: plan.path, bench, reportDir: work.path(`parallel-one-${board.name}`), limitMs });
    singleRuns.push(run);
    singles.push({ board: board.name, ...timing(run) });
  }
  const manyDoc = copies(doc, o.copiesOfEach);
  const manyBench = await writeBench(work.path(`many-${manyDoc.boards.length}.yaml`), manyDoc);
  o.log(`parallel: smoke plan on ${manyDoc.boards.length} boards at once`);
  const manyRun = await runRig({ plan: plan.path, bench: manyBench, reportDir: work.path('parallel-many'), limitMs });
  const many = timing(manyRun);

  const slowest = singles.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  const slowestRun = singles.reduce((a, b) => (b.runMs > a.runMs ? b : a));
  const alone = groupBy(stepWalls(singleRuns, plan.kinds), (s) => s.kind);
  const together = groupBy(stepWalls([manyRun], plan.kinds), (s) => s.kind);
  const byKind = [...alone].map(([kind, list]) => ({
    kind,
    aloneMs: round1(median(list.map((s) => s.ms))),
    togetherMs: round1(median((together.get(kind) ?? []).map((s) => s.ms))),
  }));
  return {
    singles,
    slowestSingle: slowest.board,
    many,
    ratioWall: Math.round((many.wallMs / slowest.wallMs) * 100) / 100,
    ratioRun: Math.round((many.runMs / slowestRun.runMs) * 100) / 100,
    byKind,
  };
}
