// A suite as jobs: `rig run plans/field` (the five field plans, each job on
// its board, boards in parallel) against each field plan run alone on the
// same default bench. Perfect scheduling makes the suite take as long as
// its longest plan alone; the target is at most 1.15 x that. Wall
// time is the whole `rig run` process, spawn to exit. Rounds interleave the
// suite with the plans alone so background load drifts over both, and the
// best round of each counts (other work on a shared machine only adds
// time). A round where a board did not pass measures nothing.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, SIM_BENCH } from './lib/paths.js';
import type { WorkDir } from './lib/paths.js';
import { passedBoards, runRig } from './lib/rig-run.js';
import { ratio } from './lib/table.js';

export const SUITE_TARGET_RATIO = 1.15;
export const FIELD_PLANS = join(ROOT, 'plans', 'field');

export interface SuiteOptions {
  rounds: number;
  log(line: string): void;
}

export interface PlanAlone {
  plan: string;
  /** Best round's wall ms; NaN when no round passed. */
  wallMs: number;
  roundsMs: number[];
  /** Rounds where every board of the plan passed. */
  passedRounds: number;
}

export interface SuiteResult {
  alone: PlanAlone[];
  /** The plan whose best alone time is longest. */
  longest: string;
  suite: { wallMs: number; roundsMs: number[]; passedRounds: number; jobs: number };
  /** Suite wall / longest plan alone (best rounds); NaN when either was not measured. */
  ratio: number;
  /** Why the ratio measures nothing, when it does not. */
  notMeasured?: string;
}

export async function benchSuite(work: WorkDir, o: SuiteOptions): Promise<SuiteResult> {
  const files = readdirSync(FIELD_PLANS).filter((f) => f.endsWith('.yaml')).sort();
  const alone = new Map(files.map((f) => [f, { plan: f, wallMs: Number.NaN, roundsMs: [] as number[], passedRounds: 0 }]));
  const suite = { wallMs: Number.NaN, roundsMs: [] as number[], passedRounds: 0, jobs: 0 };
  const limitMs = 10 * 60_000;
  for (let r = 1; r <= o.rounds; r++) {
    o.log(`suite: rig run plans/field, round ${r} of ${o.rounds}`);
    const all = await runRig({ plan: FIELD_PLANS, bench: SIM_BENCH, reportDir: work.path(`suite-${r}`), limitMs });
    suite.jobs = all.report.boards.length;
    if (passedBoards(all).length === all.report.boards.length && all.report.boards.length > 0) {
      suite.roundsMs.push(Math.round(all.wallMs));
      suite.passedRounds++;
    }
    for (const f of files) {
      o.log(`suite: ${f} alone, round ${r} of ${o.rounds}`);
      const one = await runRig({ plan: join(FIELD_PLANS, f), bench: SIM_BENCH, reportDir: work.path(`alone-${f}-${r}`), limitMs });
      const a = alone.get(f)!;
      if (passedBoards(one).length === one.report.boards.length && one.report.boards.length > 0) {
        a.roundsMs.push(Math.round(one.wallMs));
        a.passedRounds++;
      }
    }
  }
  const best = (ms: number[]) => (ms.length ? Math.min(...ms) : Number.NaN);
  suite.wallMs = best(suite.roundsMs);
  const rows = [...alone.values()].map((a) => ({ ...a, wallMs: best(a.roundsMs) }));
  const longest = rows.reduce((m, a) => (Number.isFinite(a.wallMs) && !(a.wallMs <= m.wallMs) ? a : m), rows[0]!);
  const unmeasured = [
    suite.passedRounds === 0 ? 'no round of the suite passed on every board' : '',
    ...rows.filter((a) => a.passedRounds === 0).map((a) => `${a.plan} alone never passed`),
  ].filter(Boolean);
  return {
    alone: rows,
    longest: longest.plan,
    suite,
    ratio: unmeasured.length ? Number.NaN : ratio(suite.wallMs, longest.wallMs),
    ...(unmeasured.length ? { notMeasured: unmeasured.join('; ') } : {}),
  };
}
