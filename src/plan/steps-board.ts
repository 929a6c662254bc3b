// Steps that act on a board: flash, mode, reset, power, wait, inspect.
import { z } from 'zod';
import { withFix, quote } from '../yaml/describe.js';
import type { BoardMode, FlashMethod, ResetReason } from '../core/domain.js';
import { Duration } from './duration.js';
import { checkWithinOnce, common, commonShape, FirmwareRef, within } from './step-common.js';
import { FLASH_METHODS, MODES, POWER_ACTIONS, RESET_HOWS, RESET_REASONS, UPDATE_VERDICTS, type PowerAction, type ResetHow, type UpdateVerdict } from './vocabulary.js';

const Verdict = z.enum(UPDATE_VERDICTS);

/** How long a step that takes the board away or brings it back waits for it (board time; default 30 s, a re-enumeration). */
const BackWithin = Duration.optional().meta({ description: 'how long to wait for the board to be back (or gone) (board time, default 30s)' });

export const FlashStepSchema = z
  .strictObject({
    flash: FirmwareRef.meta({ description: 'name of a firmware entry; the binary is checked against the board before sending' }),
    via: z.enum(FLASH_METHODS).optional().meta({ description: 'how the binary reaches the board (default dfu)' }),
    expect: z.union([Verdict, z.array(Verdict).min(1)]).optional()
      .meta({ description: 'the update verdict(s) to wait for and accept: applied, reported-success-not-applied, failed, timed-out, pending, interrupted (a fault the plan armed fired during the transfer); a refused image then counts as failed, not as a failed step' }),
    within: Duration.optional().meta({ description: 'with expect: how long the update may take to settle (board time, default 10m)' }),
    ...commonShape,
  })
  .check((ctx) => {
    if (ctx.value.within !== undefined && ctx.value.expect === undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['within'], message: withFix('applies only with expect', 'add expect: applied (or the verdict the plan reproduces)') });
    }
  })
  .transform((v) => {
    const expect: UpdateVerdict[] | undefined = v.expect === undefined ? undefined : Array.isArray(v.expect) ? v.expect : [v.expect];
    return { kind: 'flash' as const, firmware: v.flash, via: (v.via ?? 'dfu') as FlashMethod, expect, withinMs: v.within, ...common(v) };
  });

export const ModeStepSchema = z
  .strictObject({
    mode: z.enum(MODES).meta({ description: 'mode to enter; verified afterwards' }),
    ...commonShape,
  })
  .transform((v) => ({ kind: 'mode' as const, mode: v.mode as BoardMode, ...common(v) }));

const ResetHowSchema = z.enum(RESET_HOWS);

export const ResetStepSchema = z
  .strictObject({
    reset: z.union([
      ResetHowSchema,
      z.strictObject({
        kind: ResetHowSchema,
        'expect-reason': z.enum(RESET_REASONS).optional().meta({ description: 'reset reason the board must report afterwards' }),
        within: BackWithin,
      }),
    ]).meta({ description: 'soft (reset request), pin (reset-pin-style USB request) or power (power cycle)' }),
    within: BackWithin,
    ...commonShape,
  })
  .check((ctx) => checkWithinOnce(ctx, 'reset'))
  .transform((v) => {
    const body = typeof v.reset === 'string' ? { kind: v.reset } : v.reset;
    const expectReason: ResetReason | undefined = 'expect-reason' in body ? body['expect-reason'] : undefined;
    return { kind: 'reset' as const, how: body.kind as ResetHow, expectReason, withinMs: within('within' in body ? body.within : undefined, v.within), ...common(v) };
  });

export const PowerStepSchema = z
  .strictObject({
    power: z.enum(POWER_ACTIONS).meta({ description: 'switch the board\'s power (uhubctl on a real bench); on and cycle return once the board is back, in a new boot' }),
    within: BackWithin,
    ...commonShape,
  })
  .transform((v) => ({ kind: 'power' as const, action: v.power as PowerAction, withinMs: v.within, ...common(v) }));

export const WaitStepSchema = z
  .strictObject({ wait: Duration, ...commonShape })
  .transform((v) => ({ kind: 'wait' as const, durationMs: v.wait, ...common(v) }));

export const InspectStepSchema = z
  .strictObject({
    inspect: z.union([z.literal(true), z.string().min(1)]).meta({ description: 'true, or a label for the snapshot' }),
    ...commonShape,
  })
  .transform((v) => ({ kind: 'inspect' as const, label: v.inspect === true ? undefined : v.inspect, ...common(v) }));

export type FlashStep = z.output<typeof FlashStepSchema>;
export type ModeStep = z.output<typeof ModeStepSchema>;
export type ResetStep = z.output<typeof ResetStepSchema>;
export type PowerStep = z.output<typeof PowerStepSchema>;
export type WaitStep = z.output<typeof WaitStepSchema>;
export type InspectStep = z.output<typeof InspectStepSchema>;

// call: a cloud function of the board's running app (Particle.function),
// called through the bench's cloud as `particle call` does: by name, with a
// string argument. `expect` is the return value it must give; `within` how
// long the board may take to be online with the function registered (board
// time, default 30 s). The call acts on the board: expectations after it
// look from its start (step-roles.ts).
const FunctionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, {
    error: (iss) => withFix(`${quote(String(iss.input))} is not a cloud function name`, 'letters, digits, _ and -, up to 64 characters, as Particle.function registers it'),
  })
  .meta({ description: 'the function name the app registered with Particle.function' });

// A YAML number or boolean is the text the user wrote: `arg: 1` sends "1".
const Arg = z.union([z.string(), z.number(), z.boolean()]).transform(String).meta({ description: 'the argument string (default empty)' });

export const CallStepSchema = z
  .strictObject({
    call: z.union([FunctionName, z.strictObject({ function: FunctionName, arg: Arg.optional() })])
      .meta({ description: 'a cloud function of the running app: NAME, or { function: NAME, arg: TEXT }' }),
    expect: z.number().int().optional().meta({ description: 'the return value the function must give' }),
    within: Duration.optional().meta({ description: 'how long the board may take to be online with the function (board time, default 30s)' }),
    ...commonShape,
  })
  .transform((v) => {
    const body = typeof v.call === 'string' ? { function: v.call, arg: undefined } : v.call;
    return { kind: 'call' as const, function: body.function, arg: body.arg ?? '', expectValue: v.expect, withinMs: v.within, ...common(v) };
  });

export type CallStep = z.output<typeof CallStepSchema>;
