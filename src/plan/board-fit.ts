// Whether the test apps a plan makes can go on a board it selects
// (particle-facts §5, §11): built with a Device OS the board's platform ran,
// and no larger than a user part slot: the slot of the release the app is
// built with, and the slot of the Device OS the board runs where the bench
// says it (a simulated board). Checked before anything runs, at the plan's
// own keys, so `rig validate` and `rig run` refuse what no board could hold.
// (An app that fits but needs a newer system part is an experiment, not a
// mistake: the board's own checks answer it.)
import { deviceOsProblem, flashLayout } from '../core/device-os.js';
import { InputError } from '../core/errors.js';
import { PLATFORMS, type PlatformInfo, type PlatformName } from '../core/platform.js';
import { DEFAULT_APP_SIZE, testAppRelease } from '../firmware/make.js';
import { hex32 } from '../firmware/problem.js';
import type { ValuePath } from '../yaml/place.js';
import type { FirmwareSpec } from './firmware-schema.js';
import type { LoadedPlan } from './loader.js';

/** What the check needs to know of a bench board. */
export interface FitBoard {
  name: string;
  platform: PlatformName;
  /** The Device OS it runs, when the bench says (a simulated board). */
  deviceOs?: string;
}

type MakeSpec = Extract<FirmwareSpec, { kind: 'make' }>;

const KB = 1024;

function slotText(p: PlatformInfo, release: string): string {
  const { userPart } = flashLayout(p, release);
  const where = userPart.growsLeft ? `ending at ${hex32(p.userPartEnd)}` : `at ${hex32(userPart.start)}`;
  return `${userPart.maxSize / KB} KB ${where}`;
}

/** The release from which the platform's user part is larger than under `release`, for the fix. */
function largerSlotFrom(p: PlatformInfo, release: string): string | undefined {
  const layouts = [...p.earlierLayouts, p];
  const i = layouts.indexOf(flashLayout(p, release) as (typeof layouts)[number]);
  const size = layouts[i]?.userPart.maxSize ?? Infinity;
  const j = layouts.findIndex((l, k) => k > i && l.userPart.maxSize > size);
  return j > 0 ? p.earlierLayouts[j - 1]?.until : undefined;
}

function problemsOn(loaded: LoadedPlan, name: string, spec: MakeSpec, board: FitBoard): InputError[] {
  const p = PLATFORMS[board.platform];
  // Said for the platform where the board does not matter, so several boards share one line.
  const problem = (key: string | undefined, who: string, message: string, fix: string) =>
    new InputError(`${key ? `${key}: ` : ''}firmware '${name}' for ${who}: ${message}`,
      loaded.placeAt(['firmware', name, 'make', ...(key ? [key] : [])]), fix);
  if (spec.deviceOs !== undefined) {
    const ran = deviceOsProblem(board.platform, spec.deviceOs);
    if (ran) return [problem('deviceOs', p.name, ran.message, ran.fix)];
  }
  const depends = spec.depends?.map((d) => ({ func: 'system-part' as const, index: d.index ?? 1, version: d.version }));
  const release = testAppRelease(board.platform, { deviceOs: spec.deviceOs, depends });
  const builtWith = `Device OS ${release}${spec.deviceOs !== undefined ? '' : spec.depends ? ' (what its dependency names)' : ' (the default)'}`;
  const size = spec.size ?? DEFAULT_APP_SIZE;
  const own = flashLayout(p, release).userPart;
  if (size > own.maxSize) {
    const later = largerSlotFrom(p, release);
    const fix = `make it at most ${own.maxSize} bytes${later ? `, or build it with deviceOs: ${later} or later (${slotText(p, later)})` : ''}`;
    return [problem(spec.size === undefined ? undefined : 'size', p.name,
      `${size} bytes do not fit the ${p.displayName} user part of ${builtWith}: ${slotText(p, release)}`, fix)];
  }
  if (board.deviceOs === undefined) return [];
  const boardSlot = flashLayout(p, board.deviceOs).userPart;
  if (size <= boardSlot.maxSize) return [];
  const later = largerSlotFrom(p, board.deviceOs);
  return [problem(spec.size === undefined ? undefined : 'size', `board ${board.name}`,
    `${size} bytes do not fit: the board runs Device OS ${board.deviceOs}, whose user part is ${slotText(p, board.deviceOs)}`,
    `make it at most ${boardSlot.maxSize} bytes${later ? `, or give the board Device OS ${later} or later` : ''}`)];
}

/** Every problem of the plan's made apps on these boards; the same one said once. */
export function boardFitProblems(loaded: LoadedPlan, boards: readonly FitBoard[]): InputError[] {
  const problems = new Map<string, InputError>();
  for (const [name, spec] of Object.entries(loaded.plan.firmware)) {
    if (spec.kind !== 'make') continue;
    for (const board of boards) for (const p of problemsOn(loaded, name, spec, board)) problems.set(p.format(), p);
  }
  return [...problems.values()];
}
