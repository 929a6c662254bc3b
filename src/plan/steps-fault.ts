// fault: what the bench does to a board at a moment (power cut, reset, USB
// unplug during a transfer) or to its link and file system. Options that do
// not apply to the kind are refused, so a plan never silently does less.
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { Duration } from './duration.js';
import { Bandwidth, Percent } from './quantities.js';
import { common, commonShape } from './step-common.js';
import { FAULT_KINDS, TRANSFERS, type FaultKind } from './vocabulary.js';

/** Which kinds each option applies to. */
const APPLIES: Record<'at' | 'for' | 'bandwidth' | 'latency' | 'loss' | 'fill', readonly FaultKind[]> = {
  at: ['power-cut', 'reset', 'usb-unplug'],
  for: ['power-cut', 'usb-unplug', 'link'],
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
  })
  .check((ctx) => {
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
    fault: z.union([FaultKindSchema, FaultBody]).meta({ description: 'a fault kind, or { kind, at, bandwidth, latency, loss, fill, for }' }),
    ...commonShape,
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
      ...common(v),
    };
  });

export type FaultStep = z.output<typeof FaultStepSchema>;
