// One `rig run` as a user runs it: the compiled CLI in its own process
// (which starts the simulated bench as its own child), timed from spawn to
// exit, its report.json read back.
import { join } from 'node:path';
import { execa } from 'execa';
import { RIG_BIN, ROOT } from './paths.js';
import { readReport, type ReportJson } from './report-json.js';

export interface RigRunOptions {
  plan: string;
  bench: string;
  reportDir: string;
  /** Wall ms before the run is killed: a hung run must not hang the benchmark. */
  limitMs: number;
  /** Added to the environment (an external bench's cloud token). */
  env?: Record<string, string>;
}

export interface RigRun {
  /** Spawn to exit, wall ms: what `rig run` costs the person waiting for it. */
  wallMs: number;
  exitCode: number;
  report: ReportJson;
}

export async function runRig(o: RigRunOptions): Promise<RigRun> {
  const started = performance.now();
  const result = await execa(process.execPath, [RIG_BIN, 'run', o.plan, '--bench', o.bench, '--report-dir', o.reportDir], {
    cwd: ROOT,
    env: o.env,
    reject: false,
    all: true,
    timeout: o.limitMs,
    forceKillAfterDelay: 2000,
  });
  const wallMs = performance.now() - started;
  if (result.timedOut) throw new Error(`rig run ${o.plan} on ${o.bench} took longer than ${o.limitMs / 1000} s and was stopped`);
  try {
    return { wallMs, exitCode: result.exitCode ?? -1, report: await readReport(join(o.reportDir, 'report.json')) };
  } catch (err) {
    const tail = String(result.all ?? '').trim().split('\n').slice(-5).join('\n  ');
    throw new Error(`rig run ${o.plan} on ${o.bench} (exit ${result.exitCode}) left no readable report: ${(err as Error).message}\n  ${tail}`);
  }
}

/** Boards whose every step passed; a failed or infra step makes a board's timings meaningless. */
export function passedBoards(run: RigRun): ReportJson['boards'] {
  return run.report.boards.filter((b) => b.status === 'pass' && b.steps.every((s) => s.status === 'pass'));
}
