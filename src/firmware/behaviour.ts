// The behaviour descriptor a test app carries, so the simulated board knows
// how "its" application behaves. Stored in the module body as
// MARKER + JSON + NUL, inside the SHA-256 and CRC regions: the module stays
// valid, and each distinct behaviour gives a distinct app hash.
import { z } from 'zod';
import { InputError } from '../core/errors.js';

export const BEHAVIOUR_MARKER = 'PARTICLE-RIG-APP:';

export const AppBehaviourSchema = z.strictObject({
  /** The app's own version number (also written as the prefix module version). */
  version: z.number().int().min(0).max(0xffff),
  /** Log lines per second of board time. */
  logRate: z.number().min(0).max(1000),
  logMessage: z.string().max(200).optional(),
  /** setup() never returns and never calls Particle.process(): the cloud starves. */
  blocksCloudInSetup: z.boolean(),
  /** SYSTEM_THREAD(ENABLED): the cloud keeps running beside a blocking app (Device OS 6.2.0+ runs it anyway). */
  systemThread: z.boolean(),
  /** System.disableUpdates(): the cloud holds OTA updates as pending. */
  disablesUpdates: z.boolean(),
  /**
   * With disablesUpdates: updates stay disabled until this cloud function
   * is called (seed 001's "the user allows the update"). The call sets a flag
   * in the app's config file and resets the board; the next boot leaves
   * updates enabled and clears the flag. Letters, digits, _ and -, up to 64.
   */
  updateFunction: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  /** File system fill level the app drives to, in percent. */
  fillsFs: z.number().min(0).max(100),
  crash: z.strictObject({
    kind: z.enum(['panic', 'hard_fault']),
    /** Board milliseconds after boot. */
    afterMs: z.number().int().min(0),
  }).optional(),
  publishes: z.strictObject({
    name: z.string().min(1).max(64),
    periodMs: z.number().int().min(1),
  }).optional(),
});

export type AppBehaviour = z.infer<typeof AppBehaviourSchema>;

/** The cloud functions an app registers in setup() (Particle.function). */
export function appFunctions(b: AppBehaviour): string[] {
  return b.updateFunction ? [b.updateFunction] : [];
}

/** A plain app: version 1, one log line a second, well behaved. */
export function defaultBehaviour(version = 1): AppBehaviour {
  return { version, logRate: 1, blocksCloudInSetup: false, systemThread: false, disablesUpdates: false, fillsFs: 0 };
}

/** Keys sorted, so equal behaviours give equal bytes (and equal hashes). */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v);
}

export function encodeBehaviour(behaviour: AppBehaviour): Buffer {
  const valid = AppBehaviourSchema.parse(behaviour);
  return Buffer.from(`${BEHAVIOUR_MARKER}${canonicalJson(valid)}\0`, 'utf8');
}

/**
 * The descriptor inside a module image, or undefined when it has none (a
 * foreign binary: the simulator runs it as a plain app). A marker followed by
 * an unreadable descriptor is an InputError: the file was made wrong.
 */
export function decodeBehaviour(image: Buffer, file = '<buffer>'): AppBehaviour | undefined {
  const at = image.indexOf(BEHAVIOUR_MARKER, 0, 'utf8');
  if (at < 0) return undefined;
  const from = at + BEHAVIOUR_MARKER.length;
  const nul = image.indexOf(0, from);
  const bad = (why: string) =>
    new InputError(`test app behaviour descriptor is unreadable: ${why}`, { file }, 'rebuild it with `rig firmware make`');
  if (nul < 0) throw bad('no NUL after the JSON');
  let json: unknown;
  try {
    json = JSON.parse(image.subarray(from, nul).toString('utf8'));
  } catch (err) {
    throw bad((err as Error).message);
  }
  const parsed = AppBehaviourSchema.safeParse(json);
  if (!parsed.success) throw bad(z.prettifyError(parsed.error).replace(/\n/g, '; '));
  return parsed.data;
}
