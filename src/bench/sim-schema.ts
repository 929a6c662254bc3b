// How a simulated board starts: its Device OS, its app, its link and file
// system. Read by the simulated bench; a real bench ignores it.
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { Duration } from '../plan/duration.js';
import { Bandwidth, Percent, Size } from '../plan/quantities.js';
import { PLATFORMS, type PlatformName } from '../core/platform.js';

/** The Device OS a simulated board runs when its bench names none: one its platform ran. */
export function defaultSimDeviceOs(platform: PlatformName): string {
  return PLATFORMS[platform].generation === 4 ? '5.0.0' : '1.5.2';
}

const SEMVER_RE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const notVersion = (iss: { input?: unknown }) =>
  withFix(`${typeof iss.input === 'string' ? `'${iss.input}'` : String(iss.input)} is not a Device OS version like 1.5.2`, 'write all three parts, quoted if YAML would read a number: "2.0.0"');

export const SimBoardSchema = z
  .strictObject({
    deviceOs: z.string({ error: notVersion }).regex(SEMVER_RE, { error: notVersion }).optional().meta({ description: 'Device OS release the board runs, one its platform ran, e.g. 1.5.2 (default 1.5.2; 5.0.0 on the P2)' }),
    systemVersion: z.number().int().min(0).max(0xffff).optional().meta({ description: 'system part module version, e.g. 1512' }),
    app: z.strictObject({
      version: z.number().int().min(0).max(0xffff).optional(),
      behaviour: z.record(z.string(), z.unknown()).optional().meta({ description: 'how the preloaded test app behaves' }),
    }).optional(),
    network: z.strictObject({
      kind: z.enum(['wifi', 'cellular']).optional().meta({ description: 'the board\'s own radio: wifi (Photon, P1, Argon, P2) or cellular (Electron, Boron); a Xenon\'s mesh gateway may have either' }),
      bandwidth: Bandwidth.optional(),
      latency: Duration.optional(),
      loss: Percent.optional(),
      keepAlive: Duration.optional(),
    }).optional(),
    power: z.enum(['usb', 'external']).optional().meta({ description: 'usb (default): powered through its USB cable, so unplugging it cuts power; external: battery or Vin' }),
    fs: z.strictObject({
      size: Size.optional(),
      used: Percent.optional(),
    }).optional(),
  })
  .transform((v) => ({
    deviceOs: v.deviceOs,
    systemVersion: v.systemVersion,
    power: v.power,
    app: v.app,
    network: v.network && {
      kind: v.network.kind,
      bandwidthBps: v.network.bandwidth,
      latencyMs: v.network.latency,
      lossPercent: v.network.loss,
      keepAliveMs: v.network.keepAlive,
    },
    fs: v.fs && { sizeBytes: v.fs.size, usedPercent: v.fs.used },
  }));

export type SimBoardSpec = z.output<typeof SimBoardSchema>;
