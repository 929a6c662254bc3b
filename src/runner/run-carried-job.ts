// One job that came from elsewhere (a lab's coordinator): one plan on one
// board of a bench this process holds open, with everything it needs
// carried in the job (the plan's text, every firmware's bytes and SHA-256).
// The firmware is checked against its SHA-256 before anything is written,
// written to the job's own folder and read back from there as a local run
// reads a plan's file; no other file is read. The job then runs through
// runPlans, the same code as `rig run`, and hands back the board's row and
// its captures (trace, events, the timeline built from them).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createHash } from 'node:crypto';
import { openBoards } from '../board/open-bench.js';
import type { FirmwareImage } from '../core/board-contract.js';
import type { PlatformName } from '../core/platform.js';
import type { DeviceId } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { readModuleFile } from '../firmware/index.js';
import { loadPlan, type LoadedPlan } from '../plan/loader.js';
import type { BoardHealth, BoardReport } from '../report/model.js';
import { boardTimeline, formatTimelineNdjson, parseEvents, parseTrace } from '../report/timeline.js';
import { notRunRow } from './bail-out.js';
import type { BenchSession } from './bench-session.js';
import { repeatedPlan } from './repeat-plan.js';
import type { StepEvent } from './run-board.js';
import { runPlans } from './run-plans.js';
import type { HealthOptions } from './health.js';

export interface CarriedJob {
  runId: string;
  plan: { name: string; file: string; text: string; repeat: number; pathVariables: readonly string[] };
  board: { name: string; id: string; platform: PlatformName };
  firmware: readonly { name: string; source: string; sha256: string; content: Buffer }[];
}

export interface CarriedJobInput {
  job: CarriedJob;
  session: BenchSession;
  benchName: string;
  timeScale: number;
  rigVersion: string;
  /** The job's own folder: the carried files and the board's captures go here. */
  dir: string;
  signal: AbortSignal;
  /** The board's health check before the job (a run's first job on the board); none when absent. */
  health?: HealthOptions;
  onStep?: (e: StepEvent) => void;
  onNote?: (board: string, text: string) => void;
}

export interface CarriedJobOutcome {
  report: BoardReport;
  /** The board's captures of this job; absent when the board was never opened. */
  captures: { trace?: Buffer; events?: Buffer; timeline?: Buffer };
  /** The health check made before the job, when it asked for one and the board was opened. */
  health?: BoardHealth;
}

/** Why the job's carried firmware cannot be used, or undefined when every SHA-256 matches. */
function firmwareProblem(job: CarriedJob): string | undefined {
  for (const f of job.firmware) {
    const actual = createHash('sha256').update(f.content).digest('hex');
    if (actual !== f.sha256.toLowerCase()) return `firmware '${f.name}' carried with the job does not match its SHA-256 (sent ${f.sha256.slice(0, 12)}..., received ${actual.slice(0, 12)}...): nothing was flashed`;
  }
  return undefined;
}

async function writePrivate(path: string, data: string | Buffer): Promise<void> {
  await writeFile(path, data, { mode: 0o600 });
  await chmod(path, 0o600);
}

/** The plan from its carried text; its firmware paths' variables only need to be set, since no path is read. */
async function loadCarriedPlan(job: CarriedJob, dir: string): Promise<LoadedPlan> {
  const file = join(dir, basename(job.plan.file) || 'plan.yaml');
  await writePrivate(file, job.plan.text);
  const env = Object.fromEntries(job.plan.pathVariables.map((v) => [v, 'carried-with-the-job']));
  const loaded = await loadPlan(file, { env, variables: {} });
  loaded.plan = repeatedPlan(loaded.plan, job.plan.repeat);
  return loaded;
}

/** Each carried firmware written to the job's folder and read back as a module file, by the plan's name for it. */
async function carriedFirmware(job: CarriedJob, loaded: LoadedPlan, dir: string): Promise<Map<string, FirmwareImage>> {
  const folder = join(dir, 'firmware');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const images = new Map<string, FirmwareImage>();
  for (const name of Object.keys(loaded.plan.firmware)) {
    const carried = job.firmware.find((f) => f.name === name);
    if (!carried) throw new InputError(`firmware '${name}' of plan ${job.plan.name} did not come with the job`);
    const path = join(folder, `${images.size}.bin`);
    await writePrivate(path, carried.content);
    const { buf, info } = readModuleFile(path);
    images.set(name, { name, image: buf, info, source: carried.source });
  }
  return images;
}

async function readIfThere(path: string): Promise<Buffer | undefined> {
  return readFile(path).catch(() => undefined);
}

export async function runCarriedJob(input: CarriedJobInput): Promise<CarriedJobOutcome> {
  const { job } = input;
  const board = { name: job.board.name, platform: job.board.platform, id: job.board.id as DeviceId };
  const notRun = (why: string): CarriedJobOutcome => ({ report: notRunRow(board, job.plan.name, 'infra', why), captures: {} });
  const badFirmware = firmwareProblem(job);
  if (badFirmware) return notRun(badFirmware);
  const bench = input.session.boards.find((b) => b.id === job.board.id);
  if (!bench) return notRun(`bench ${input.benchName} has no board ${job.board.id}`);
  await mkdir(input.dir, { recursive: true, mode: 0o700 });
  let loaded: LoadedPlan;
  let firmware: Map<string, FirmwareImage>;
  try {
    loaded = await loadCarriedPlan(job, input.dir);
    firmware = await carriedFirmware(job, loaded, input.dir);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return notRun(`the job the host received cannot run: ${err.format()}`);
  }
  const artifacts = join(input.dir, bench.name);
  const opened = await openBoards(input.session.access, [bench], { artifactsDir: () => artifacts });
  const open = opened.get(bench.id) ?? new Error('not opened');
  let report: BoardReport;
  let health: BoardHealth | undefined;
  try {
    const run = await runPlans({
      runId: job.runId, rigVersion: input.rigVersion, bench: input.benchName, timeScale: input.timeScale,
      runs: [{ loaded, boards: [{ bench, board: open, firmware }] }], signal: input.signal, ...(input.health ? { health: input.health } : {}),
      ...(input.onStep ? { onStep: input.onStep } : {}), ...(input.onNote ? { onNote: input.onNote } : {}),
    });
    report = run.boards[0] ?? notRunRow(board, job.plan.name, 'infra', 'the runner reported no row for the job');
    health = run.health?.[0];
  } finally {
    if (!(open instanceof Error)) await open.close().catch(() => undefined);
  }
  const trace = await readIfThere(join(artifacts, 'trace.log'));
  const events = await readIfThere(join(artifacts, 'events.ndjson'));
  const timeline = Buffer.from(formatTimelineNdjson(boardTimeline({
    jobs: [report], captures: [{ trace: parseTrace(trace?.toString('utf8') ?? ''), events: parseEvents(events?.toString('utf8') ?? '') }],
  })));
  return { report, captures: { ...(trace ? { trace } : {}), ...(events ? { events } : {}), timeline }, ...(health ? { health } : {}) };
}
