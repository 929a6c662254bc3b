// The plan's `firmware` map: each name is a binary from a path template
// (expanded per board: ${platform}, ${board}, ${id}, ${ENV}) or a test app
// the rig builds for the board's platform at run time (`make`), with the
// Device OS release it is built with (`deviceOs`) or its dependency.
import { z } from 'zod';
import { deviceOsRelease } from '../core/device-os.js';
import { withFix, quote } from '../yaml/describe.js';
import { Size } from './quantities.js';
import { MAX_MODULE_FILE_BYTES } from '../firmware/parse.js';

const Template = z.string().min(1).meta({ description: 'path; may use ${platform}, ${board}, ${id} and ${ENV_VARS}; relative to the plan file' });

/** "system@1406" or "system-part2@1406": the user part needs that system part version. */
const DEPENDS_RE = /^system(?:-part(\d))?@(\d+)$/;

export interface SystemDependencySpec {
  /** System part index; undefined = the one the platform's user part depends on. */
  index: number | undefined;
  version: number;
}

export function parseDepends(text: string): SystemDependencySpec | undefined {
  const m = DEPENDS_RE.exec(text.trim());
  return m ? { index: m[1] === undefined ? undefined : Number(m[1]), version: Number(m[2]) } : undefined;
}

const Depends = z
  .string()
  .regex(DEPENDS_RE, { error: (iss) => withFix(`${quote(String(iss.input))} is not a dependency like system@1406`, 'write system@<version> or system-part<n>@<version>') })
  .transform((t) => parseDepends(t)!);

const SEMVER_RE = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;
const notRelease = (iss: { input?: unknown }) =>
  withFix(`${typeof iss.input === 'string' ? quote(iss.input) : String(iss.input)} is not a Device OS release like 2.3.0`, 'write all three parts, quoted if YAML would read a number: "3.1.0"');

/** A release from Particle's table; whether the board's platform ran it is checked per board (board-fit.ts). */
const DeviceOs = z
  .string({ error: notRelease })
  .regex(SEMVER_RE, { error: notRelease })
  .refine((v) => deviceOsRelease(v) !== undefined, {
    error: (iss) => withFix(`Device OS ${String(iss.input)} is not a release (Particle's release table has no such version)`, 'use a release the boards ran, e.g. 2.3.1, 4.2.0 or 6.2.0'),
  });

const MakeSpec = z.strictObject({
  version: z.number().int().min(0).max(0xffff).optional().meta({ description: 'module version of the test app' }),
  deviceOs: DeviceOs.optional().meta({ description: 'Device OS release the app is built with: its user part slot and its dependency, e.g. 2.3.0 (default 1.1.0; 5.0.0 on the P2)' }),
  depends: z.union([Depends, z.array(Depends).min(1).max(2)]).optional().meta({ description: 'system part dependency, e.g. system@1406' }),
  size: Size.refine((n) => n <= MAX_MODULE_FILE_BYTES, { error: (iss) => withFix(`${String(iss.input)} bytes is too large for a test app`, `at most ${MAX_MODULE_FILE_BYTES / 1024 / 1024}MB; a user part is a few KB to 1.5MB`) }).optional().meta({ description: 'file size of the test app' }),
  behaviour: z.record(z.string(), z.unknown()).optional().meta({ description: 'how the test app behaves (see rig firmware make --help)' }),
});

export type FirmwareSpec =
  | { kind: 'file'; template: string }
  | {
    kind: 'make';
    version: number | undefined;
    /** The release the app is built with, as the plan says; undefined: the maker's choice (testAppRelease). */
    deviceOs: string | undefined;
    depends: SystemDependencySpec[] | undefined;
    size: number | undefined;
    behaviour: Record<string, unknown> | undefined;
  };

export const FirmwareEntrySchema = z
  .union([
    Template,
    z.strictObject({ path: Template }),
    z.strictObject({
      make: MakeSpec
        .refine((m) => m.deviceOs === undefined || m.depends === undefined, {
          path: ['deviceOs'],
          error: withFix('give deviceOs or depends, not both', 'an app built with a release depends on its system part: keep deviceOs, or drop it to name the dependency yourself'),
        })
        .meta({ description: 'the rig builds a test app for the board\'s platform' }),
    }),
  ])
  .transform((v): FirmwareSpec => {
    if (typeof v === 'string') return { kind: 'file', template: v };
    if ('path' in v) return { kind: 'file', template: v.path };
    const m = v.make;
    // An app built with a release depends on that release's system part 1: the maker reads the release back from it.
    const release = m.deviceOs === undefined ? undefined : deviceOsRelease(m.deviceOs);
    const depends = release ? [{ index: undefined, version: release.system }]
      : m.depends === undefined ? undefined : Array.isArray(m.depends) ? m.depends : [m.depends];
    return { kind: 'make', version: m.version, deviceOs: m.deviceOs, depends, size: m.size, behaviour: m.behaviour };
  });
