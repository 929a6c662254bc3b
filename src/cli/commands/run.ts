// `rig run`: the arguments parsed, the run handed to the runner
// (src/runner/run-on-bench.ts), which owns it, and what it reports shown:
// a live line per board or a plain line per step, the reason a run bailed
// out, and where the reports went. Ctrl-C and SIGTERM stop the run through
// its signal; the runner still writes the report.
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import { InputError } from '../../core/errors.js';
import { changesSummary } from '../../report/changes.js';
import { formatDuration, parseDuration } from '../../plan/duration.js';
import { expandPlanArgs } from '../../plan/plan-files.js';
import { runPlansOnBench } from '../../runner/run-on-bench.js';
import { parseQueueUrl } from '../../lab/connection.js';
import { errorLines } from '../exit.js';
import { interruptions } from '../interruptions.js';
import { progressFor, type Progress } from '../progress.js';
import { rigVersion } from '../version.js';
import { parseSetOptions } from '../set-option.js';

export interface RunOptions {
  bench?: string;
  board?: string[];
  reportDir?: string;
  tap?: string;
  junit?: string;
  json?: string;
  /** A folder for a copy of index.html. */
  html?: string;
  repeat?: string;
  lockWait?: string;
  /** --history FILE, or false for --no-history. */
  history?: string | false;
  /** false for --no-health. */
  health?: boolean;
  /** --set NAME=FILE, as typed. */
  set?: string[];
  /** --queue redis://HOST:PORT: run across the lab's bench hosts instead of a local bench. */
  queue?: string;
}

function repeatCount(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`--repeat: "${text}" is not a whole number of at least 1`, undefined, 'e.g. --repeat 10');
  return n;
}

function lockWaitMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new InputError(`--lock-wait: "${text}" is not a duration like 30s or 10m`);
  return ms;
}

export async function runCommand(plans: string[], opts: RunOptions): Promise<number> {
  if (opts.queue !== undefined) return labRunCommand(plans, opts);
  const stop = interruptions();
  const repeat = repeatCount(opts.repeat);
  const lockWait = lockWaitMs(opts.lockWait);
  const variables = parseSetOptions(opts.set);
  const bench = await loadBench(benchFileFor(opts.bench).file);
  let progress: Progress | undefined;
  try {
    const outcome = await runPlansOnBench({
      plans: expandPlanArgs(plans), bench, only: opts.board, ...(opts.health === false ? { health: false } : {}), repeat, variables, lockWaitMs: lockWait, reportDir: opts.reportDir,
      copies: { tap: opts.tap, junit: opts.junit, json: opts.json, html: opts.html }, rigVersion: rigVersion(), signal: stop.signal,
      ...(opts.history !== undefined ? { history: opts.history } : {}),
    }, {
      started: (run) => {
        stop.runStarted();
        progress = progressFor(run.boards);
      },
      waitingForLock: (board, heldBy, waitMs) => process.stderr.write(`rig: ${board} is in use by ${heldBy}; waiting up to ${formatDuration(Math.ceil(waitMs / 1000) * 1000)} for it (--lock-wait)\n`),
      step: (e) => progress?.step(e),
      health: (h, jobs) => progress?.health(h, jobs),
      note: (board, text) => progress?.note(board, text),
      bailedOut: (err) => process.stderr.write(errorLines(err)),
      historyFailed: (path, err) => process.stderr.write(`rig: the run is not recorded in the history ${path}: ${err instanceof Error ? err.message : String(err)}\n`),
      written: (files) => process.stderr.write(`report: ${files.map((w) => w.path).join(', ')}\n`),
    });
    // A board the rig could not reach has no step line: its reason goes to the console too, not only to the report.
    // A bail-out already said its reason once, above; an unhealthy board said it when its check ended.
    const unhealthy = new Set((outcome.report.health ?? []).filter((h) => !h.healthy).map((h) => h.name));
    for (const b of outcome.report.boards) {
      if (b.status !== 'infra' || b.steps.length > 0 || !b.diagnosis || b.diagnosis === outcome.report.bailOut?.reason || unhealthy.has(b.name)) continue;
      process.stderr.write(`rig: ${b.name} (${b.plan}): infrastructure: ${b.diagnosis}\n`);
    }
    // The console ends with what changed since the previous recorded run, in one short line.
    if (outcome.report.changes) process.stderr.write(`changes: ${changesSummary(outcome.report.changes)}\n`);
    return outcome.exitCode;
  } finally {
    progress?.close();
    stop.dispose();
  }
}

/** `rig run --queue`: the coordinator of a run across the lab (src/lab/coordinator.ts). */
async function labRunCommand(plans: string[], opts: RunOptions): Promise<number> {
  // A lab's boards come from its registry; these name a local bench or its locks.
  if (opts.bench !== undefined) throw new InputError('--bench does not go with --queue: the lab\'s boards come from its registry', undefined, 'drop --bench, or drop --queue to run on a local bench');
  if (opts.health === false) throw new InputError('--no-health does not go with --queue: each host checks its boards when its agent starts', undefined, 'drop --no-health');
  parseQueueUrl(opts.queue!);
  const stop = interruptions();
  const repeat = repeatCount(opts.repeat);
  const variables = parseSetOptions(opts.set);
  const queueWait = lockWaitMs(opts.lockWait);
  const { runPlansOnLab } = await import('../../lab/coordinator.js');
  let progress: Progress | undefined;
  try {
    const outcome = await runPlansOnLab({
      queueUrl: opts.queue!, plans: expandPlanArgs(plans), only: opts.board, repeat, variables, reportDir: opts.reportDir,
      copies: { tap: opts.tap, junit: opts.junit, json: opts.json, html: opts.html }, rigVersion: rigVersion(), signal: stop.signal,
      ...(opts.history !== undefined ? { history: opts.history } : {}), ...(queueWait !== undefined ? { queueWaitMs: queueWait } : {}),
    }, {
      started: (run) => {
        stop.runStarted();
        process.stderr.write(`rig: run ${run.runId} across the lab: ${run.boards.join(', ')}\n`);
        progress = progressFor(run.boards);
      },
      step: (e) => progress?.step(e),
      note: (board, text) => progress?.note(board, text),
      say: (line) => process.stderr.write(`rig: ${line}\n`),
      bailedOut: (err) => process.stderr.write(errorLines(err)),
      historyFailed: (path, err) => process.stderr.write(`rig: the run is not recorded in the history ${path}: ${err instanceof Error ? err.message : String(err)}\n`),
      written: (files) => process.stderr.write(`report: ${files.map((w) => w.path).join(', ')}\n`),
    });
    for (const b of outcome.report.boards) {
      if (b.status !== 'infra' || !b.diagnosis || b.diagnosis === outcome.report.bailOut?.reason) continue;
      process.stderr.write(`rig: ${b.name} @ ${b.host ?? '?'} (${b.plan}): infrastructure: ${b.diagnosis}\n`);
    }
    if (outcome.dispatchMs.length) {
      // What the lab itself costs a job, from ready to started on its host (the benchmark reads this line).
      const ms = [...outcome.dispatchMs].sort((a, b) => a - b);
      process.stderr.write(`rig: lab dispatch, ready to started on its host: median ${ms[Math.ceil(ms.length / 2) - 1]} ms, max ${ms.at(-1)} ms over ${ms.length} jobs\n`);
    }
    if (outcome.report.changes) process.stderr.write(`changes: ${changesSummary(outcome.report.changes)}\n`);
    return outcome.exitCode;
  } finally {
    progress?.close();
    stop.dispose();
  }
}
