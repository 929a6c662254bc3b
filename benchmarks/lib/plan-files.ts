// Plans the benchmarks run, written into the work folder: the smoke plan
// with limits wide enough for any time scale (its steps unchanged), and a
// plan of steps whose board time is known exactly. Each comes with a label
// per step (its kind, and `via` for a flash) to group step results by.
import { readFile, writeFile } from 'node:fs/promises';
import { parse, stringify } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../../src/plan/duration.js';
import { SMOKE_PLAN } from './paths.js';

export interface PlanFile {
  path: string;
  /** One label per step, in order: `flash dfu`, `expect-app`, `wait`... */
  kinds: string[];
}

export interface KnownTimePlan extends PlanFile {
  /** Board time each step takes by construction; undefined for set-up steps (not measured). */
  boardMs: (number | undefined)[];
}

type StepYaml = Record<string, unknown>;
const PlanDoc = z.looseObject({ plan: z.string(), steps: z.array(z.record(z.string(), z.unknown())).min(1) });

/** Keys a step may carry beside its kind key. */
const MODIFIERS = new Set(['name', 'timeout', 'continue-on-failure', 'via', 'within']);

export function stepKind(step: StepYaml): string {
  const kind = Object.keys(step).find((k) => !MODIFIERS.has(k)) ?? '?';
  return kind === 'flash' ? `flash ${String(step.via ?? 'dfu')}` : kind;
}

/** Plan and step limits are board time: at a high time scale the shipped 10 m would be a few wall seconds. */
const WIDE_PLAN_LIMIT = '24h';
const WIDE_STEP_LIMIT = '1h';

export async function smokeForAnyScale(path: string): Promise<PlanFile> {
  const doc = PlanDoc.parse(parse(await readFile(SMOKE_PLAN, 'utf8')));
  const steps = doc.steps.map((s) => ({ ...s, timeout: WIDE_STEP_LIMIT }));
  await writeFile(path, stringify({ ...doc, plan: `${doc.plan}-bench`, timeout: WIDE_PLAN_LIMIT, steps }));
  return { path, kinds: doc.steps.map(stepKind) };
}

/**
 * Set-up (a flash, then the app proven), then `rounds` rounds of steps whose
 * board time is known: `wait: 1s` is 1000 board ms; expect-mode, expect-app
 * and an absent-log check on a board already in that state take none (they
 * only ask, and the answer is already true).
 */
export async function knownTimePlan(path: string, rounds: number): Promise<KnownTimePlan> {
  const setup: StepYaml[] = [{ flash: 'app', via: 'dfu' }, { 'expect-app': 'app', within: '2m' }];
  const round: StepYaml[] = [{ wait: '1s' }, { 'expect-mode': 'normal' }, { 'expect-app': 'app' }, { 'expect-log': { absent: '\\] PANIC:' } }];
  const steps = [...setup, ...Array.from({ length: rounds }, () => round).flat()];
  const boardMs = steps.map((s, i) => (i < setup.length ? undefined : typeof s.wait === 'string' ? parseDuration(s.wait) : 0));
  const plan = {
    plan: 'overhead-known',
    description: 'Steps whose board time is known exactly, for measuring what the rig adds',
    timeout: WIDE_PLAN_LIMIT,
    firmware: { app: { make: { version: 21 } } },
    steps: steps.map((s) => ({ ...s, timeout: WIDE_STEP_LIMIT })),
  };
  await writeFile(path, stringify(plan));
  return { path, kinds: steps.map(stepKind), boardMs };
}

/** A plan of these steps (limits wide enough for any time scale), with its firmware entries as given. */
export async function writeStepsPlan(path: string, name: string, firmware: Record<string, unknown>, steps: StepYaml[]): Promise<PlanFile> {
  const plan = { plan: name, timeout: WIDE_PLAN_LIMIT, firmware, steps: steps.map((s) => ({ ...s, timeout: WIDE_STEP_LIMIT })) };
  await writeFile(path, stringify(plan));
  return { path, kinds: steps.map(stepKind) };
}
