// Parallelism: the smoke plan on 16 simulated boards (4 of each board of
// rig/sim.yaml) against 1. Boards of different kinds take different times
// on their own (a cellular Electron is slower), so "1" is each board of the
// bench alone, and the ratio is taken against the slowest of them: perfect
// parallelism would make 16 boards take as long as that one. Wall time is
// the whole `rig run` process (simulator start, firmware, boards, reports);
// the report's own start-to-end span is shown beside it. Each run is done
// `rounds` times and the fastest counts (best-of-n: the machine is shared).
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
  /** Each run is repeated this often and the fastest counts: other work on a shared machine only ever adds time. */
  rounds: number;
  log(line: string): void;
}

export interface RunTiming {
  boards: number;
  passed: number;
  /** The fastest round's wall ms and report span ms. */
  wallMs: number;
  runMs: number;
  /** Every round's wall ms, in order. */
  roundsMs: number[];
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

function timing(runs: RigRun[]): RunTiming {
  const first = runs[0];
  if (!first) throw new Error('no run to time');
  return {
    boards: first.report.boards.length,
    passed: Math.min(...runs.map((r) => passedBoards(r).length)),
    wallMs: round1(Math.min(...runs.map((r) => r.wallMs))),
    runMs: Math.min(...runs.map((r) => runSpanMs(r.report))),
    roundsMs: runs.map((r) => round1(r.wallMs)),
  };
}

function stepWalls(runs: RigRun[], kinds: string[]): { kind: string; ms: number }[] {
  return runs.flatMap((r) => passedBoards(r).flatMap((b) => b.steps.map((s, i) => ({ kind: kinds[i] ?? '?', ms: s.durationMs }))));
}

export async function benchParallel(work: WorkDir, o: ParallelOptions): Promise<ParallelResult> {
  const doc = await readSimBench();
  // The smoke plan as shipped, with limits that a loaded machine cannot trip.
  const plan = await smokeForAnyScale(work.path('smoke-parallel.yaml'));
  const limitMs = 150_000;
  const manyDoc = copies(doc, o.copiesOfEach);
  const benches = [
    ...(await Promise.all(doc.boards.map(async (b) => ({ label: b.name, file: await writeBench(work.path(`one-${b.name}.yaml`), onlyBoard(doc, b.name)) })))),
    { label: `${manyDoc.boards.length} boards`, file: await writeBench(work.path(`many-${manyDoc.boards.length}.yaml`), manyDoc) },
  ];

  // Rounds interleave the benches, so a burst of other work on the machine hits one round, not one bench.
  const runs = new Map<string, RigRun[]>(benches.map((b) => [b.label, []]));
  for (let r = 1; r <= o.rounds; r++) {
    for (const [i, b] of benches.entries()) {
      o.log(`parallel: smoke plan on ${b.label}${i < doc.boards.length ? ' alone' : ' at once'}, round ${r} of ${o.rounds}`);
      runs.get(b.label)!.push(await runRig({ plan: plan.path, bench: b.file, reportDir: work.path(`parallel-${i}-${r}`), limitMs }));
    }
  }
  const singleRuns = doc.boards.flatMap((b) => runs.get(b.name)!);
  const manyRuns = runs.get(benches[benches.length - 1]!.label)!;
  const singles = doc.boards.map((b) => ({ board: b.name, ...timing(runs.get(b.name)!) }));
  const many = timing(manyRuns);

  const slowest = singles.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
  const slowestRun = singles.reduce((a, b) => (b.runMs > a.runMs ? b : a));
  const alone = groupBy(stepWalls(singleRuns, plan.kinds), (s) => s.kind);
  const together = groupBy(stepWalls(manyRuns, plan.kinds), (s) => s.kind);
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
