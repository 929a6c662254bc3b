// The request bodies of the bench control service, checked at the door so a
// bad body is a 400 that names the problem, never a half-applied fault.
import { z } from 'zod';
import type { ArmableTransfer, ArmedFault as BoardArmedFault, FaultSpec, PowerAction } from '../../core/board-contract.js';

const percent = z.number().min(0).max(100);

export const FaultSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.enum(['power-cut', 'reset', 'usb-unplug', 'usb-replug', 'link-restore']) }),
  z.strictObject({
    kind: z.literal('link'),
    bandwidthBps: z.number().positive().optional(),
    latencyMs: z.number().min(0).optional(),
    lossPercent: percent.optional(),
  }),
  z.strictObject({ kind: z.literal('fs-fill'), fillPercent: percent }),
]) satisfies z.ZodType<FaultSpec>;

export const ARMABLE_TRANSFERS = ['ota', 'dfu', 'serial', 'usb'] as const satisfies readonly ArmableTransfer[];
export const isArmableTransfer = (t: string): t is ArmableTransfer => (ARMABLE_TRANSFERS as readonly string[]).includes(t);

const FaultRequestSchema = z.strictObject({
  fault: FaultSpecSchema,
  at: z.strictObject({ transfer: z.enum(ARMABLE_TRANSFERS), percent }).optional(),
});

const PowerRequestSchema = z.strictObject({ action: z.enum(['off', 'on', 'cycle']) });

export type FaultRequest = { fault: FaultSpec; at?: BoardArmedFault['at'] };

type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

function parse<T>(schema: z.ZodType<T>, body: unknown): Parsed<T> {
  const r = schema.safeParse(body);
  return r.success ? { ok: true, value: r.data } : { ok: false, error: z.prettifyError(r.error).replace(/\n/g, '; ') };
}

export const parseFaultRequest = (body: unknown): Parsed<FaultRequest> => parse(FaultRequestSchema, body);
export const parsePowerRequest = (body: unknown): Parsed<{ action: PowerAction }> => parse(PowerRequestSchema, body);
