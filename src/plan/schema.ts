// The plan format: the one source of truth. TypeScript types come from it
// (z.output), and so do the JSON Schemas editors use (schema/plan.schema.json).
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { BoardSelectorSchema } from './boards-schema.js';
import { Timeout } from './duration.js';
import { FirmwareEntrySchema } from './firmware-schema.js';
import { Name } from './step-common.js';
import { StepList } from './steps.js';

export const DEFAULT_PLAN_TIMEOUT_MS = 30 * 60_000;

const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const EnvName = z.string().regex(ENV_NAME_RE, {
  error: (iss) => withFix(`'${String(iss.input)}' is not a variable name`, 'letters, digits and _, not starting with a digit'),
});

export const PlanSchema = z
  .strictObject({
    plan: Name.meta({ description: 'name of the plan (used in reports)' }),
    description: z.string().optional(),
    boards: BoardSelectorSchema.optional().meta({ description: 'which bench boards run the plan: { platform, tags, names }; absent = all' }),
    timeout: Timeout.optional().meta({ description: 'limit for the whole plan on one board (default 30m)' }),
    env: z.record(EnvName, z.union([z.string(), z.number(), z.boolean()]).transform(String)).optional()
      .meta({ description: 'defaults for ${VARS} in firmware paths; --set NAME=FILE and the environment override them' }),
    firmware: z.record(Name, FirmwareEntrySchema).optional().meta({ description: 'binaries by name: a path template, { path }, or { make: {...} }' }),
    steps: StepList,
  })
  .transform((v) => ({
    name: v.plan,
    description: v.description,
    boards: v.boards ?? { platforms: undefined, tags: undefined, names: undefined },
    timeoutMs: v.timeout ?? DEFAULT_PLAN_TIMEOUT_MS,
    env: v.env ?? {},
    firmware: v.firmware ?? {},
    steps: v.steps,
  }))
  .meta({ title: 'particle-rig test plan' });

export type Plan = z.output<typeof PlanSchema>;
export type PlanInput = z.input<typeof PlanSchema>;

export type { BoardSelector } from './boards-schema.js';
export type { FirmwareSpec, SystemDependencySpec } from './firmware-schema.js';
export type { StepCommon } from './step-common.js';
export type { FlashStep, InspectStep, ModeStep, PowerStep, ResetStep, WaitStep } from './steps-board.js';
export type { ExpectAppStep, ExpectEventStep, ExpectLogStep, ExpectModeStep, ExpectResetStep } from './steps-expect.js';
export type { FaultStep } from './steps-fault.js';
export type { CallStep } from './steps-board.js';
export type { ExpectModulesStep, ModuleExpectation, VersionCheck, VersionOp } from './steps-modules.js';
export type { RepeatStep, Step, StepInput, StepKind } from './steps.js';
export { STEP_KINDS, STEP_SCHEMAS, StepSchema } from './steps.js';
