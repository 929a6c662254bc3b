// The plan's `firmware` map: each name is a binary from a path template
// (expanded per board: ${platform}, ${board}, ${id}, ${ENV}) or a test app
// the rig builds for the board's platform at run time (`make`).
import { z } from 'zod';
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

const MakeSpec = z.strictObject({
  version: z.number().int().min(0).max(0xffff).optional().meta({ description: 'module version of the test app' }),
  depends: z.union([Depends, z.array(Depends).min(1).max(2)]).optional().meta({ description: 'system part dependency, e.g. system@1406' }),
  size: Size.refine((n) => n <= MAX_MODULE_FILE_BYTES, { error: (iss) => withFix(`${String(iss.input)} bytes is too large for a test app`, `at most ${MAX_MODULE_FILE_BYTES / 1024 / 1024}MB; a user part is a few KB to 1.5MB`) }).optional().meta({ description: 'file size of the test app' }),
  behaviour: z.record(z.string(), z.unknown()).optional().meta({ description: 'how the test app behaves (see rig firmware make --help)' }),
});

export type FirmwareSpec =
  | { kind: 'file'; template: string }
  | { kind: 'make'; version: number | undefined; depends: SystemDependencySpec[] | undefined; size: number | undefined; behaviour: Record<string, unknown> | undefined };

export const FirmwareEntrySchema = z
  .union([
    Template,
    z.strictObject({ path: Template }),
    z.strictObject({ make: MakeSpec.meta({ description: 'the rig builds a test app for the board\'s platform' }) }),
  ])
  .transform((v): FirmwareSpec => {
    if (typeof v === 'string') return { kind: 'file', template: v };
    if ('path' in v) return { kind: 'file', template: v.path };
    const m = v.make;
    const depends = m.depends === undefined ? undefined : Array.isArray(m.depends) ? m.depends : [m.depends];
    return { kind: 'make', version: m.version, depends, size: m.size, behaviour: m.behaviour };
  });
