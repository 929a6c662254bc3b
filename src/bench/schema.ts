// The bench format: which boards a bench has and how to reach them. The one
// source of truth for types and for schema/bench.schema.json.
import { z } from 'zod';
import type { DeviceId } from '../core/domain.js';
import { withFix } from '../yaml/describe.js';
import { Name } from '../plan/step-common.js';
import { Timeout } from '../plan/duration.js';
import { PlatformSchema } from '../plan/boards-schema.js';
import { SecretRefSchema } from './secrets.js';
import { defaultSimDeviceOs, SimBoardSchema } from './sim-schema.js';

const DEVICE_ID_RE = /^[0-9a-fA-F]{24}$/;

const DeviceIdSchema = z
  .string({ error: (iss) => `expected a device ID (24 hex digits), got ${typeof iss.input}` })
  .regex(DEVICE_ID_RE, {
    error: (iss) => {
      const text = String(iss.input);
      const why = /^[0-9a-fA-F]*$/.test(text) ? `${text.length} digits` : 'characters that are not hex digits';
      return withFix(`'${text}' is not a device ID: 24 hex digits expected, this has ${why}`, 'copy it from `particle serial identify` or the console');
    },
  })
  .transform((id) => id.toLowerCase() as DeviceId)
  .meta({ description: 'device ID: 24 hex digits (the board\'s identity in every mode)' });


export const BenchBoardSchema = z
  .strictObject({
    name: Name.meta({ description: 'the board\'s name on this bench' }),
    platform: PlatformSchema,
    id: DeviceIdSchema,
    tags: z.array(z.string().min(1)).optional(),
    serial: z.string().min(1).optional().meta({ description: 'serial port path (prefer a stable /dev/serial/by-id link)' }),
    power: z.strictObject({
      uhubctl: z.strictObject({
        location: z.string().min(1).meta({ description: 'hub location, e.g. 1-1.4' }),
        port: z.number().int().min(1),
      }),
    }).optional(),
    sim: SimBoardSchema.optional(),
  })
  .transform((b): typeof b & { tags: string[]; deviceOs?: string } => ({
    ...b,
    tags: b.tags ?? [],
    // The Device OS the board runs, where the bench says it: a simulated board's. A real board's is not known.
    ...(b.sim ? { deviceOs: b.sim.deviceOs ?? defaultSimDeviceOs(b.platform) } : {}),
  }));

export const BenchSchema = z
  .strictObject({
    bench: Name.meta({ description: 'name of the bench' }),
    timeScale: z.number().min(1).optional().meta({ description: 'board time runs this many times faster than wall time (real benches: 1)' }),
    simulator: z.boolean().optional().meta({ description: 'true: the rig starts the simulated bench and fills in cloud, usb and serial' }),
    cloud: z.strictObject({
      api: z.url({ protocol: /^https?$/, error: (iss) => withFix(`'${String(iss.input)}' is not an http(s) URL`, 'e.g. https://api.particle.io') }).meta({ description: 'Particle Cloud API base URL' }),
      token: SecretRefSchema,
    }).optional(),
    usb: z.strictObject({
      socket: z.string().min(1).meta({ description: 'Unix socket of a USB bus reached instead of native libusb' }),
    }).optional(),
    control: z.strictObject({
      api: z.url({ protocol: /^https?$/, error: (iss) => withFix(`'${String(iss.input)}' is not an http(s) URL`, 'e.g. http://127.0.0.1:8090') }).meta({ description: 'base URL of the bench control service (power, faults)' }),
    }).optional().meta({ description: 'the bench control service that switches power and imposes faults (docs/design.md, "Bench control")' }),
    health: z.strictObject({
      plan: z.string().min(1).optional().meta({ description: 'a short plan every board it selects runs before its first job of a run (relative to the bench file); one that does not pass makes the board unhealthy' }),
      timeout: Timeout.optional().meta({ description: 'how long the looks (on USB, control request, serial port, online) may take together, board time (default 2m)' }),
    }).optional().meta({ description: 'the health check each board gets before its first job of a run' }),
    boards: z.array(BenchBoardSchema).min(1),
  })
  .transform((v) => ({
    name: v.bench,
    timeScale: v.timeScale ?? 1,
    simulator: v.simulator ?? false,
    cloud: v.cloud,
    usb: v.usb,
    control: v.control,
    health: v.health,
    boards: v.boards,
  }))
  .meta({ title: 'particle-rig bench' });

export type Bench = z.output<typeof BenchSchema>;
export type BenchBoard = z.output<typeof BenchBoardSchema>;
export type BenchInput = z.input<typeof BenchSchema>;
export type { SecretRef } from './secrets.js';
export type { SimBoardSpec } from './sim-schema.js';
