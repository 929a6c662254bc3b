// Soak: the shipped smoke plan (plans/smoke.yaml, unchanged: its own limits)
// on a bench of 8 copies of each board of rig/sim.yaml (32 boards), run
// again and again as a nightly would. A nightly cannot have infrastructure
// failures that no board caused: the target is 0 boards ending as
// infrastructure over every run. Each run is the compiled CLI as a user
// runs it (`node bin/rig.js run`, which starts the simulated bench as its
// own child), timed from spawn to exit; its report.json says per board
// pass, fail or infra, and for an infra board the step and its diagnosis.
// With `hostLoad` the rig's event loop is held `heldMs` every `everyMs`
// (lib/held-loop.mjs), as on a busy bench computer: the simulated boards
// must not ask the rig to be quicker than real boards do.
import { fileURLToPath } from 'node:url';
import { copies, readSimBench, writeBench } from './lib/bench-files.js';
import { SMOKE_PLAN, type WorkDir } from './lib/paths.js';
import type { BoardJson } from './lib/report-json.js';
import { runRig } from './lib/rig-run.js';
import { median, round1 } from './lib/stats.js';
import { judged, type Verdict } from './lib/table.js';

export const SOAK_INFRA_TARGET = 0;
/** Fewer runs than this say too little about a flake: the soak is then NOT MEASURED. */
export const SOAK_MIN_RUNS = 10;

export interface SoakOptions {
  /** Runs of the plan; at least 10 for a verdict the issue accepts. */
  runs: number;
  /** Copies of each bench board (8 x 4 boards = 32). */
  copiesOfEach: number;
  /** Hold the rig's event loop this long (wall ms) this often; none by default. */
  hostLoad?: HostLoad;
  log(line: string): void;
}

export interface HostLoad {
  heldMs: number;
  everyMs: number;
}

const HELD_LOOP = fileURLToPath(new URL('./lib/held-loop.mjs', import.meta.url));

/** `60/200` (hold 60 ms every 200 ms), or undefined for none. */
export function parseHostLoad(text: string | undefined): HostLoad | undefined {
  if (!text) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m || Number(m[2]) <= 0) throw new Error(`BENCH_SOAK_HOST_LOAD is HELD_MS/EVERY_MS, e.g. 60/200; got ${JSON.stringify(text)}`);
  return { heldMs: Number(m[1]), everyMs: Number(m[2]) };
}

/** A board that did not pass: where and why. */
export interface SoakProblem {
  board: string;
  status: string;
  step: string;
  why: string;
}

export interface SoakRun {
  run: number;
  /** Spawn to exit of `rig run`, wall ms. */
  wallMs: number;
  exitCode: number;
  boards: number;
  passed: number;
  failed: number;
  infra: number;
  /** Boards neither passed, failed nor infra (skipped), if any. */
  other: number;
  problems: SoakProblem[];
  /** The run itself could not finish or left no report: counted as a run lost to infrastructure. */
  error?: string;
}

export interface SoakResult {
  boards: number;
  hostLoad?: HostLoad;
  runs: SoakRun[];
  /** Boards that ended as infrastructure, over every run (plus runs that left no report). */
  infraTotal: number;
  failedTotal: number;
  wallMedianMs: number;
  wallMaxMs: number;
  verdict: Verdict;
  /** Why NOT MEASURED or MISSED. */
  why?: string;
}

/** Per-run wall limit: a hung run must not hang the benchmark (the plan's own limit is 10 min of board time, 30 s at x20). */
const RUN_LIMIT_MS = 300_000;

function problemOf(b: BoardJson): SoakProblem {
  const step = b.steps.find((s) => s.status === b.status) ?? b.steps.find((s) => s.status !== 'pass' && s.status !== 'skip');
  return { board: b.name, status: b.status, step: step?.name ?? '(no step)', why: (step?.diagnosis ?? '').split('\n')[0] ?? '' };
}

export async function benchSoak(work: WorkDir, o: SoakOptions): Promise<SoakResult> {
  const doc = copies(await readSimBench(), o.copiesOfEach);
  const bench = await writeBench(work.path(`soak-${doc.boards.length}.yaml`), doc);
  const runs: SoakRun[] = [];
  const env = o.hostLoad
    ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${HELD_LOOP}`.trim(), RIG_HELD_MS: String(o.hostLoad.heldMs), RIG_HELD_EVERY_MS: String(o.hostLoad.everyMs) }
    : undefined;
  for (let i = 1; i <= o.runs; i++) {
    o.log(`soak: smoke plan on ${doc.boards.length} boards, run ${i} of ${o.runs}`);
    const started = performance.now();
    try {
      const r = await runRig({ plan: SMOKE_PLAN, bench, reportDir: work.path(`soak-${i}`), limitMs: RUN_LIMIT_MS, ...(env ? { env } : {}) });
      const count = (status: string): number => r.report.boards.filter((b) => b.status === status).length;
      const run: SoakRun = {
        run: i,
        wallMs: round1(r.wallMs),
        exitCode: r.exitCode,
        boards: r.report.boards.length,
        passed: count('pass'),
        failed: count('fail'),
        infra: count('infra'),
        other: r.report.boards.filter((b) => !['pass', 'fail', 'infra'].includes(b.status)).length,
        problems: r.report.boards.filter((b) => b.status !== 'pass').map(problemOf),
      };
      runs.push(run);
      o.log(`soak: run ${i}: ${(run.wallMs / 1000).toFixed(1)} s, ${run.passed} passed, ${run.failed} failed, ${run.infra} infra`);
    } catch (err) {
      const message = err instanceof Error ? err.message.split('\n')[0]! : String(err);
      runs.push({ run: i, wallMs: round1(performance.now() - started), exitCode: -1, boards: doc.boards.length, passed: 0, failed: 0, infra: 0, other: 0, problems: [], error: message });
      o.log(`soak: run ${i} could not finish: ${message}`);
    }
  }
  const walls = runs.filter((r) => !r.error).map((r) => r.wallMs);
  const infraTotal = runs.reduce((a, r) => a + r.infra + (r.error ? 1 : 0), 0);
  const unmeasured = runs.length < SOAK_MIN_RUNS ? `${runs.length} runs, fewer than ${SOAK_MIN_RUNS}` : undefined;
  const lostRuns = runs.filter((r) => r.error).length;
  const missed = infraTotal > SOAK_INFRA_TARGET
    ? [`${infraTotal - lostRuns} boards ended as infrastructure`, lostRuns ? `${lostRuns} runs left no report` : ''].filter(Boolean).join(', ')
    : undefined;
  const verdict = judged(infraTotal <= SOAK_INFRA_TARGET, unmeasured);
  const why = unmeasured ?? (verdict === 'MISSED' ? missed : undefined);
  return {
    boards: doc.boards.length,
    ...(o.hostLoad ? { hostLoad: o.hostLoad } : {}),
    runs,
    infraTotal,
    failedTotal: runs.reduce((a, r) => a + r.failed, 0),
    wallMedianMs: round1(median(walls)),
    wallMaxMs: walls.length ? Math.max(...walls) : Number.NaN,
    verdict,
    ...(why ? { why } : {}),
  };
}
