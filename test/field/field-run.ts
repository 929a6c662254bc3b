// Runs one field plan through the real CLI on the default simulated bench,
// as a user would (`rig run plans/field/<plan>.yaml`), and reads back its
// report: the steps, their diagnoses and the board's updates side by side.
import type { Test } from 'tap';
import { join } from 'node:path';
import { runRig } from '../cli/run-rig.js';
import { readJson, readTap, type ParsedTap } from '../e2e/run-report.js';
import type { ReportStep, RunReport } from '../../src/report/model.js';
import type { UpdateRow } from '../../src/report/updates.js';

/** A board's updates as report.json lists them. */
export type UpdateRowJson = UpdateRow;

export interface FieldRun {
  code: number;
  stderr: string;
  tap: ParsedTap;
  report: RunReport;
  /** Per board name: its updates, as report.json lists them. */
  updates: Record<string, UpdateRowJson[]>;
}

export async function runFieldPlan(t: Test, plan: string): Promise<FieldRun> {
  const dir = t.testdir({});
  const r = await runRig(['run', `plans/field/${plan}.yaml`, '--report-dir', dir], { timeoutMs: 170_000 });
  const report = readJson(dir);
  const updates: Record<string, UpdateRowJson[]> = {};
  for (const b of report.boards) updates[b.name] = ((b as unknown as { updates?: UpdateRowJson[] }).updates) ?? [];
  return { code: r.code, stderr: r.stderr, tap: readTap(dir), report, updates };
}

/** The step of a board titled `name` (top level), or a failing assertion. */
export function stepNamed(t: Test, run: FieldRun, board: string, name: string): ReportStep {
  const b = run.report.boards.find((x) => x.name === board);
  const s = b?.steps.find((x) => x.name === name);
  t.ok(s, `${board} has a step "${name}"`);
  return s ?? { status: 'skip', name, durationMs: 0 };
}

/** Every step of a board, repeat attempts included, in order. */
export function allSteps(run: FieldRun, board: string): ReportStep[] {
  const out: ReportStep[] = [];
  const walk = (steps: readonly ReportStep[]): void => {
    for (const s of steps) {
      out.push(s);
      if (s.children) walk(s.children);
    }
  };
  walk(run.report.boards.find((x) => x.name === board)?.steps ?? []);
  return out;
}

export const ROOT_DIR = join(import.meta.dirname, '..', '..');
