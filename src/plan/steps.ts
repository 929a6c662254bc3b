// The step union: one schema per step kind, chosen by the one kind key a
// step map carries. `repeat` holds steps itself, hence the lazy getter.
import { z } from 'zod';
import { kindOf, withFix } from '../yaml/describe.js';
import { common, commonShape, type StepCommon } from './step-common.js';
import { CallStepSchema, FlashStepSchema, InspectStepSchema, ModeStepSchema, PowerStepSchema, ResetStepSchema, WaitStepSchema } from './steps-board.js';
import { ExpectAppStepSchema, ExpectEventStepSchema, ExpectLogStepSchema, ExpectModeStepSchema, ExpectResetStepSchema } from './steps-expect.js';
import { FaultStepSchema } from './steps-fault.js';
import { ExpectModulesStepSchema } from './steps-modules.js';

export const REPEAT_UNTIL = ['failure', 'success'] as const;
export const DEFAULT_REPEAT_MAX = 20;

const RepeatBody = z
  .strictObject({
    times: z.number().int().min(1).optional().meta({ description: 'run the steps exactly this many times' }),
    until: z.enum(REPEAT_UNTIL).optional().meta({ description: 'stop at the first attempt that ends this way' }),
    max: z.number().int().min(1).optional().meta({ description: 'most attempts with until (default 20)' }),
    // Annotated, not inferred: the type would otherwise refer to itself.
    get steps(): z.ZodType<Step[], StepInput[]> {
      return StepList;
    },
  })
  .check((ctx) => {
    const { times, until, max } = ctx.value;
    const problem = (path: string[], message: string, fix: string) =>
      ctx.issues.push({ code: 'custom', input: ctx.value, path, message: withFix(message, fix) });
    if (times === undefined && until === undefined) problem([], 'needs times or until', 'e.g. times: 10, or until: failure with max: 50');
    if (times !== undefined && until !== undefined) problem(['until'], 'give times or until, not both', 'with until, limit the attempts with max');
    if (max !== undefined && until === undefined) problem(['max'], 'applies only with until', 'use times for a fixed count');
  });

/** What a repeat step looks like in YAML (written out: it contains steps). */
export interface RepeatStepInput {
  repeat: { times?: number; until?: (typeof REPEAT_UNTIL)[number]; max?: number; steps: StepInput[] };
  name?: string;
  timeout?: string;
  'continue-on-failure'?: boolean;
}

export interface RepeatStep extends StepCommon {
  kind: 'repeat';
  /** Absent: run exactly `count` times. Present: stop at the first attempt that ends so, after `count` at most. */
  until: (typeof REPEAT_UNTIL)[number] | undefined;
  count: number;
  steps: Step[];
}

export const RepeatStepSchema = z
  .strictObject({ repeat: RepeatBody, ...commonShape })
  .transform((v): RepeatStep => {
    const r = v.repeat;
    const count = r.times ?? r.max ?? DEFAULT_REPEAT_MAX;
    return { kind: 'repeat', until: r.until, count, steps: r.steps, ...common(v) };
  });

const SIMPLE_STEP_SCHEMAS = {
  flash: FlashStepSchema,
  mode: ModeStepSchema,
  reset: ResetStepSchema,
  power: PowerStepSchema,
  'expect-app': ExpectAppStepSchema,
  'expect-mode': ExpectModeStepSchema,
  'expect-modules': ExpectModulesStepSchema,
  'expect-event': ExpectEventStepSchema,
  'expect-log': ExpectLogStepSchema,
  'expect-reset': ExpectResetStepSchema,
  wait: WaitStepSchema,
  inspect: InspectStepSchema,
  fault: FaultStepSchema,
  call: CallStepSchema,
} as const;
type SimpleKind = keyof typeof SIMPLE_STEP_SCHEMAS;

export type Step = { [K in SimpleKind]: z.output<(typeof SIMPLE_STEP_SCHEMAS)[K]> }[SimpleKind] | RepeatStep;
export type StepInput = { [K in SimpleKind]: z.input<(typeof SIMPLE_STEP_SCHEMAS)[K]> }[SimpleKind] | RepeatStepInput;

/** Each step kind by its key. The loader uses this to validate a step against the schema its key names. */
export const STEP_SCHEMAS = { ...SIMPLE_STEP_SCHEMAS, repeat: RepeatStepSchema } as const;
export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

export const StepSchema: z.ZodType<Step, StepInput> = z
  .union(Object.values(STEP_SCHEMAS) as unknown as [z.ZodType<Step, StepInput>, ...z.ZodType<Step, StepInput>[]])
  .meta({ id: 'Step', description: 'a map with exactly one step kind key (flash, mode, reset, ...) and common options' });

export const StepList: z.ZodType<Step[], StepInput[]> = z
  .array(StepSchema, { error: (iss) => (iss.code === 'invalid_type' ? `expected a list of steps, got ${kindOf(iss.input)}` : undefined) })
  .min(1)
  .meta({ id: 'Steps', description: 'steps, run in order' });
