// Steps that check what a board did: expect-app, expect-mode, expect-event,
// expect-log, expect-reset. `within` may sit beside the kind key or, for the
// map forms, inside it. `after: previous` (beside the kind key) orders a
// symptom after the one the previous expectation matched (src/steps/order.ts).
import { z } from 'zod';
import type { BoardMode, ResetReason } from '../core/domain.js';
import { withFix } from '../yaml/describe.js';
import { Duration } from './duration.js';
import { Pattern } from './pattern.js';
import { checkWithinOnce, common, commonShape, FirmwareRef, within } from './step-common.js';
import { MODES, RESET_REASONS } from './vocabulary.js';

const Within = Duration.optional().meta({ description: 'how long to wait for it (board time)' });

/** The one order a plan can state: after what the previous symptom expectation matched. */
export const AFTER_VALUES = ['previous'] as const;

const After = z
  .enum(AFTER_VALUES, {
    error: (iss) => withFix(`${JSON.stringify(iss.input)} is not an order a plan can state`, 'write after: previous, meaning after what the previous expectation matched'),
  })
  .optional()
  .meta({ description: 'previous: this symptom must come after the line, event or reset the previous expectation matched' });

/** `after` asks for a symptom that appears; `absent` says one must not: the two do not mix. */
function checkAfterNotAbsent(ctx: z.core.ParsePayload<{ after?: string | undefined }>, absent: boolean, kind: string): void {
  if (ctx.value.after === undefined || !absent) return;
  ctx.issues.push({
    code: 'custom', input: ctx.value, path: ['after'],
    message: withFix(`previous does not apply to ${kind} with absent`, 'after orders a symptom that must appear; remove it here'),
  });
}

export const ExpectAppStepSchema = z
  .strictObject({
    'expect-app': FirmwareRef.meta({ description: 'firmware entry whose SHA-256 the running user part must have' }),
    within: Within,
    ...commonShape,
  })
  .transform((v) => ({ kind: 'expect-app' as const, firmware: v['expect-app'], withinMs: v.within, ...common(v) }));

export const ExpectModeStepSchema = z
  .strictObject({ 'expect-mode': z.enum(MODES), within: Within, ...commonShape })
  .transform((v) => ({ kind: 'expect-mode' as const, mode: v['expect-mode'] as BoardMode, withinMs: v.within, ...common(v) }));

export const ExpectEventStepSchema = z
  .strictObject({
    'expect-event': z.strictObject({
      name: z.string().min(1).meta({ description: 'event name, e.g. spark/flash/status' }),
      data: Pattern.optional().meta({ description: 'regular expression the event data must match' }),
      within: Within,
      absent: z.boolean().optional().meta({ description: 'true: the event must NOT arrive within the time' }),
    }),
    within: Within,
    after: After,
    ...commonShape,
  })
  .check((ctx) => checkWithinOnce(ctx, 'expect-event'))
  .check((ctx) => checkAfterNotAbsent(ctx, ctx.value['expect-event'].absent === true, 'expect-event'))
  .transform((v) => {
    const e = v['expect-event'];
    return {
      kind: 'expect-event' as const, event: e.name, data: e.data, absent: e.absent ?? false, withinMs: within(e.within, v.within),
      afterPrevious: v.after === 'previous', ...common(v),
    };
  });

const ExpectLogBody = z
  .strictObject({ match: Pattern.optional(), absent: Pattern.optional(), within: Within })
  .check((ctx) => {
    if ((ctx.value.match === undefined) === (ctx.value.absent === undefined)) {
      ctx.issues.push({
        code: 'custom', input: ctx.value,
        message: withFix('give exactly one of match and absent', 'match: the pattern must appear; absent: it must not'),
      });
    }
  });

export const ExpectLogStepSchema = z
  .strictObject({
    'expect-log': z.union([Pattern, ExpectLogBody]).meta({ description: 'a pattern the trace log must show, or { match | absent, within }' }),
    within: Within,
    after: After,
    ...commonShape,
  })
  .check((ctx) => checkWithinOnce(ctx, 'expect-log'))
  .check((ctx) => {
    const body = ctx.value['expect-log'];
    checkAfterNotAbsent(ctx, typeof body === 'object' && body.absent !== undefined, 'expect-log');
  })
  .transform((v) => {
    const b = typeof v['expect-log'] === 'string' ? { match: v['expect-log'] } : v['expect-log'];
    const absent = b.absent !== undefined;
    const inner = 'within' in b ? b.within : undefined;
    return {
      kind: 'expect-log' as const, pattern: (b.match ?? b.absent)!, absent, withinMs: within(inner, v.within),
      afterPrevious: v.after === 'previous', ...common(v),
    };
  });

const Reason = z.enum(RESET_REASONS).meta({ description: 'reset reason as the cloud reports it (spark/device/last_reset)' });

export const ExpectResetStepSchema = z
  .strictObject({
    'expect-reset': z.union([Reason, z.strictObject({ reason: Reason, within: Within })]),
    within: Within,
    after: After,
    ...commonShape,
  })
  .check((ctx) => checkWithinOnce(ctx, 'expect-reset'))
  .transform((v) => {
    const b = typeof v['expect-reset'] === 'string' ? { reason: v['expect-reset'], within: undefined } : v['expect-reset'];
    return {
      kind: 'expect-reset' as const, reason: b.reason as ResetReason, withinMs: within(b.within, v.within),
      afterPrevious: v.after === 'previous', ...common(v),
    };
  });

export type ExpectAppStep = z.output<typeof ExpectAppStepSchema>;
export type ExpectModeStep = z.output<typeof ExpectModeStepSchema>;
export type ExpectEventStep = z.output<typeof ExpectEventStepSchema>;
export type ExpectLogStep = z.output<typeof ExpectLogStepSchema>;
export type ExpectResetStep = z.output<typeof ExpectResetStepSchema>;
