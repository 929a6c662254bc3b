// Rig overhead per step: a step's wall time minus the time the simulated
// board itself needed (board time / time scale). Two ways to know the board
// time, reported side by side:
//
// - known: a plan of steps whose board time is fixed by construction
//   (`wait: 1s` = 1000 board ms; expect-mode, expect-app and an absent-log
//   check on a board already in that state = 0), so overhead = wall - B/scale
//   exactly.
// - fitted: the smoke plan itself, whose board time per step (boots, DFU
//   erase/write polls, YMODEM, OTA over the modelled link) is not known from
//   outside. Each step runs at two time scales: wall = overhead + B/scale, so
//   B = (wall_lo - wall_hi) / (1/lo - 1/hi) from the medians, clamped at 0.
//   Overhead is then wall - B/hi per sample at the high scale (where an error
//   in B weighs hi/lo times less than at the low one): what would remain with
//   an infinitely fast board. No knowledge of the simulator's timing is used.
// - fitted, one board alone: the same fit with each board on a bench of its
//   own, one run at a time. On the whole bench the four boards reach the same
//   step at once and queue for 2 CPUs with the simulator serving all four, and
//   the fit books that wait as the rig's; alone, what remains is the rig's own
//   work for one step of one board (the limit the guide names: one board alone).
//   Both are printed and both judged.
//
// Everything outside the board counts as overhead: the runner, the step
// machinery, dfu-util's process and USB round trips, port reopening, polls.
import { loadavg } from 'node:os';
import { copies, onlyBoard, readSimBench, withScale, writeBench } from './lib/bench-files.js';
import { knownTimePlan, smokeForAnyScale, type PlanFile } from './lib/plan-files.js';
import type { WorkDir } from './lib/paths.js';
import { passedBoards, runRig, type RigRun } from './lib/rig-run.js';
import { groupBy, median, percentile, round1 } from './lib/stats.js';

export const OVERHEAD_TARGET_MS = 5;

export type Method = 'known' | 'fitted' | 'fitted-alone';

export interface OverheadOptions {
  /** The two time scales of the fit. */
  scales: [low: number, high: number];
  /** smoke runs per scale (each on every board of the bench). */
  runsPerScale: number;
  /** Rounds of the known-time steps. */
  knownRounds: number;
  log(line: string): void;
}

export interface OverheadRow {
  kind: string;
  method: Method;
  /** Board ms per step: exact (known) or the median fit (fitted). */
  boardMs: number;
  samples: number;
  /** Median wall ms of the step at the bench's own scale, and at the fit's high scale (fitted only). */
  wallMedianMs: number;
  wallHighMedianMs?: number;
  medianMs: number;
  p95Ms: number;
}

export interface OverheadResult {
  rows: OverheadRow[];
  /** Over every measured step of each method. */
  overall: Record<Method, { samples: number; medianMs: number; p95Ms: number }>;
  skippedBoards: string[];
  /** 1-min load average when the measurement began and ended: on a shared 2-CPU machine the overhead follows it. */
  load: [number, number];
}

interface Sample {
  kind: string;
  wallMs: number;
  scale: number;
  /** Board ms: exact, or filled in by the fit. */
  boardMs: number;
  key: string;
}

function samplesOf(run: RigRun, plan: PlanFile, scale: number, skipped: string[]): Omit<Sample, 'boardMs'>[] {
  const good = passedBoards(run);
  for (const b of run.report.boards) {
    if (good.includes(b)) continue;
    const bad = b.steps.find((s) => s.status !== 'pass');
    skipped.push(`${b.name} at x${scale} (${b.status}${bad ? `: ${bad.name}: ${bad.diagnosis ?? bad.status}` : ''})`);
  }
  return good.flatMap((b) => b.steps.map((s, i) => ({ kind: plan.kinds[i] ?? '?', wallMs: s.durationMs, scale, key: `${b.name}#${i}` })));
}

/** Overhead from the samples at `fromScale`: at the higher scale an error in the fitted B weighs least. */
function row(kind: string, method: OverheadRow['method'], samples: Sample[], ownScale: number, fromScale = ownScale): OverheadRow {
  const used = samples.filter((s) => s.scale === fromScale);
  const overheads = used.map((s) => s.wallMs - s.boardMs / s.scale);
  const own = samples.filter((s) => s.scale === ownScale).map((s) => s.wallMs);
  return {
    kind, method,
    boardMs: round1(median(used.map((s) => s.boardMs))),
    samples: used.length,
    wallMedianMs: round1(median(own)),
    ...(fromScale !== ownScale ? { wallHighMedianMs: round1(median(used.map((s) => s.wallMs))) } : {}),
    medianMs: round1(median(overheads)),
    p95Ms: round1(percentile(overheads, 95)),
  };
}

/** B per (board, step) from the medians at the two scales; negative fits (noise) become 0. */
function fitBoardTime(samples: Omit<Sample, 'boardMs'>[], [lo, hi]: [number, number]): Sample[] {
  const fitted = new Map<string, number>();
  for (const [key, list] of groupBy(samples, (s) => s.key)) {
    const at = (scale: number) => median(list.filter((s) => s.scale === scale).map((s) => s.wallMs));
    const b = (at(lo) - at(hi)) / (1 / lo - 1 / hi);
    fitted.set(key, Number.isFinite(b) ? Math.max(0, b) : 0);
  }
  return samples.map((s) => ({ ...s, boardMs: fitted.get(s.key) ?? 0 }));
}

function overall(samples: Sample[]) {
  const o = samples.map((s) => s.wallMs - s.boardMs / s.scale);
  return { samples: o.length, medianMs: round1(median(o)), p95Ms: round1(percentile(o, 95)) };
}

export async function benchOverhead(work: WorkDir, o: OverheadOptions): Promise<OverheadResult> {
  const loadStart = loadavg()[0]!;
  const doc = await readSimBench();
  const skippedBoards: string[] = [];
  const limitMs = 120_000;

  // known: the bench as shipped, its own scale.
  const known = await knownTimePlan(work.path('overhead-known.yaml'), o.knownRounds);
  const ownBench = await writeBench(work.path(`sim-x${doc.timeScale}.yaml`), doc);
  o.log(`overhead: known-time plan (${known.kinds.length} steps) on ${doc.boards.length} boards at x${doc.timeScale}`);
  const knownRun = await runRig({ plan: known.path, bench: ownBench, reportDir: work.path('overhead-known'), limitMs });
  const knownSamples: Sample[] = samplesOf(knownRun, known, doc.timeScale, skippedBoards)
    .map((s) => ({ ...s, boardMs: known.boardMs[Number(s.key.split('#')[1])] }))
    .filter((s): s is Sample => s.boardMs !== undefined);

  // fitted: the smoke plan at two scales, interleaved so background load drifts over both alike.
  const smoke = await smokeForAnyScale(work.path('smoke-any-scale.yaml'));
  const raw: Omit<Sample, 'boardMs'>[] = [];
  for (let r = 1; r <= o.runsPerScale; r++) {
    for (const scale of o.scales) {
      const bench = await writeBench(work.path(`sim-x${scale}.yaml`), withScale(copies(doc, 1), scale));
      o.log(`overhead: smoke plan at x${scale}, run ${r} of ${o.runsPerScale}`);
      const run = await runRig({ plan: smoke.path, bench, reportDir: work.path(`overhead-smoke-x${scale}-${r}`), limitMs });
      raw.push(...samplesOf(run, smoke, scale, skippedBoards));
    }
  }
  const fitted = fitBoardTime(raw, o.scales);

  // fitted, one board alone: each board on a bench of its own, scales interleaved per board.
  const rawAlone: Omit<Sample, 'boardMs'>[] = [];
  for (const board of doc.boards) {
    for (let r = 1; r <= o.runsPerScale; r++) {
      for (const scale of o.scales) {
        const bench = await writeBench(work.path(`sim-${board.name}-x${scale}.yaml`), withScale(onlyBoard(doc, board.name), scale));
        o.log(`overhead: smoke plan on ${board.name} alone at x${scale}, run ${r} of ${o.runsPerScale}`);
        const run = await runRig({ plan: smoke.path, bench, reportDir: work.path(`overhead-alone-${board.name}-x${scale}-${r}`), limitMs });
        rawAlone.push(...samplesOf(run, smoke, scale, skippedBoards));
      }
    }
  }
  const fittedAlone = fitBoardTime(rawAlone, o.scales);

  const rows = [
    ...[...groupBy(knownSamples, (s) => s.kind)].map(([kind, list]) => row(kind, 'known', list, doc.timeScale)),
    ...[...groupBy(fitted, (s) => s.kind)].map(([kind, list]) => row(kind, 'fitted', list, o.scales[0], o.scales[1])),
    ...[...groupBy(fittedAlone, (s) => s.kind)].map(([kind, list]) => row(kind, 'fitted-alone', list, o.scales[0], o.scales[1])),
  ];
  const high = (list: Sample[]) => list.filter((s) => s.scale === o.scales[1]);
  return {
    rows,
    overall: { known: overall(knownSamples), fitted: overall(high(fitted)), 'fitted-alone': overall(high(fittedAlone)) },
    skippedBoards,
    load: [loadStart, loadavg()[0]!],
  };
}
