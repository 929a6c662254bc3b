// fault: what the bench does to a board at a moment (power cut, reset, USB
// unplug during a transfer) or to its link and file system. Options that do
// not apply to the kind are refused, so a plan never silently does less; so
// is what the run could not do (a fault armed `at` a transfer lasting `for`
// a time: when it fires is the board's to tell).
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { Duration } from './duration.js';
import { Bandwidth, Percent } from './quantities.js';
import { checkWithinOnce, common, commonShape, within } from './step-common.js';
import { FAULT_KINDS, TRANSFERS, type FaultKind } from './vocabulary.js';

/** Which kinds each option applies to. */
const APPLIES: Record<'at' | 'for' | 'within' | 'bandwidth' | 'latency' | 'loss' | 'fill', readonly FaultKind[]> = {
  at: ['power-cut', 'reset', 'usb-unplug'],
  for: ['power-cut', 'usb-unplug', 'link'],
  // The kinds that take the board away or bring it back: how long that may take.
  within: ['power-cut', 'reset', 'usb-unplug', 'usb-replug'],
  bandwidth: ['link'],
  latency: ['link'],
  loss: ['link'],
  fill: ['fs-fill'],
};

const FaultKindSchema = z.enum(FAULT_KINDS);

const FaultBody = z
  .strictObject({
    kind: FaultKindSchema,
    at: z.strictObject({
      transfer: z.enum(TRANSFERS).meta({ description: 'the transfer whose progress triggers the fault' }),
      percent: Percent,
    }).optional().meta({ description: 'the moment: e.g. { transfer: ota, percent: 40% }' }),
    bandwidth: Bandwidth.optional(),
    latency: Duration.optional(),
    loss: Percent.optional().meta({ description: 'share of packets lost' }),
    fill: Percent.optional().meta({ description: 'file system fill level (default 100%)' }),
    for: Duration.optional().meta({ description: 'how long the fault lasts before the bench undoes it' }),
    within: Duration.optional().meta({ description: 'how long to wait for the board to be gone (power-cut, usb-unplug) or back (reset, usb-replug, the end of `for`) (board time, default 30s)' }),
  })
  .check((ctx) => {
    const v = ctx.value;
    if (v.at && v.for !== undefined) {
      ctx.issues.push({
        code: 'custom', input: v, path: ['for'],
        message: withFix(`cannot follow a fault armed at ${v.at.transfer} ${v.at.percent}%: when it fires is the board's to tell`, 'undo it with a later step: power: on, or fault: usb-replug'),
      });
    }
    if (v.at && v.within !== undefined) {
      ctx.issues.push({
        code: 'custom', input: v, path: ['within'],
        message: withFix('does not apply to a fault armed at a transfer: the flash step it fires in waits for the board', 'put within on that flash step'),
      });
    }
    for (const [option, kinds] of Object.entries(APPLIES)) {
      if ((ctx.value as Record<string, unknown>)[option] !== undefined && !kinds.includes(ctx.value.kind)) {
        ctx.issues.push({
          code: 'custom', input: ctx.value, path: [option],
          message: withFix(`does not apply to a ${ctx.value.kind} fault`, `${option} applies to: ${kinds.join(', ')}`),
        });
      }
    }
  });

export const FaultStepSchema = z
  .strictObject({
    fault: z.union([FaultKindSchema, FaultBody]).meta({ description: 'a fault kind, or { kind, at, bandwidth, latency, loss, fill, for, within }' }),
    within: Duration.optional().meta({ description: 'how long to wait for the board to be gone or back (board time, default 30s)' }),
    ...commonShape,
  })
  .check((ctx) => checkWithinOnce(ctx, 'fault'))
  .check((ctx) => {
    const v = ctx.value;
    const kind = typeof v.fault === 'string' ? v.fault : v.fault.kind;
    const armed = typeof v.fault === 'object' && v.fault.at !== undefined;
    if (v.within !== undefined && (armed || !APPLIES.within.includes(kind))) {
      ctx.issues.push({
        code: 'custom', input: v, path: ['within'],
        message: armed ? withFix('does not apply to a fault armed at a transfer: the flash step it fires in waits for the board', 'put within on that flash step')
          : withFix(`does not apply to a ${kind} fault`, `within applies to: ${APPLIES.within.join(', ')}`),
      });
    }
  })
  .transform((v) => {
    const f = typeof v.fault === 'string' ? { kind: v.fault } : v.fault;
    return {
      kind: 'fault' as const,
      fault: f.kind,
      at: 'at' in f ? f.at : undefined,
      bandwidthBps: 'bandwidth' in f ? f.bandwidth : undefined,
      latencyMs: 'latency' in f ? f.latency : undefined,
      lossPercent: 'loss' in f ? f.loss : undefined,
      fillPercent: f.kind === 'fs-fill' ? (('fill' in f ? f.fill : undefined) ?? 100) : undefined,
      forMs: 'for' in f ? f.for : undefined,
      withinMs: within('within' in f ? f.within : undefined, v.within),
      ...common(v),
    };
  });

export type FaultStep = z.output<typeof FaultStepSchema>;
