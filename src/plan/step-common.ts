// What every step may carry beside its kind key, and the helpers each step
// kind's schema is built from.
import { z } from 'zod';
import { Timeout } from './duration.js';
import { kindOf, withFix } from '../yaml/describe.js';

/** Names of firmware entries (and of plans): safe in file names and report paths. */
export const NAME_RE = /^[A-Za-z0-9][\w.-]*$/;

export const Name = z
  .string()
  .regex(NAME_RE, { error: (iss) => withFix(`'${String(iss.input)}' is not a usable name`, 'use letters, digits, dot, dash and underscore, starting with a letter or digit') });

/** A reference to an entry of the plan's `firmware` map (checked by the loader). */
export const FirmwareRef = z.string({ error: (iss) => `expected the name of a firmware entry, got ${kindOf(iss.input)}` }).min(1);

export const commonShape = {
  name: z.string().min(1).optional().meta({ description: 'title of the step in reports' }),
  timeout: Timeout.optional().meta({ description: 'limit for the whole step (board time)' }),
  'continue-on-failure': z.boolean().optional().meta({ description: 'keep running the following steps when this one fails' }),
};

export const COMMON_KEYS = Object.keys(commonShape);

export interface StepCommon {
  /** Title given in the plan; the runner makes one up when absent. */
  name: string | undefined;
  timeoutMs: number | undefined;
  continueOnFailure: boolean;
}

export function common(v: { name?: string | undefined; timeout?: number | undefined; 'continue-on-failure'?: boolean | undefined }): StepCommon {
  return { name: v.name, timeoutMs: v.timeout, continueOnFailure: v['continue-on-failure'] ?? false };
}

/** `within` may sit beside the kind key or inside its map, not both. */
export function within(inner: number | undefined, outer: number | undefined): number | undefined {
  return inner ?? outer;
}

export function checkWithinOnce(ctx: z.core.ParsePayload<Record<string, unknown>>, kind: string): void {
  const body = ctx.value[kind];
  if (body && typeof body === 'object' && 'within' in body && ctx.value.within !== undefined) {
    ctx.issues.push({
      code: 'custom', input: ctx.value, path: ['within'],
      message: withFix(`given twice, inside ${kind} and beside it`, 'keep one'),
    });
  }
}
