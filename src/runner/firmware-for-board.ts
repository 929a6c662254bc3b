// The binary a plan's firmware name means on one board: a file from the
// plan's path template, or a test app built for the board's platform
// (`make`). Either way it is checked against the board before anything is
// sent; every problem is an InputError located at the plan's firmware entry.
import type { ModuleInfo } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { checkModuleForBoard, defaultSystemDependency, makeTestApp, parseBehaviourMap, parseModule, readModuleFile, type ExpectedModule, type SystemDependency } from '../firmware/index.js';
import { firmwarePath } from '../plan/firmware-path.js';
import type { LoadedPlan } from '../plan/loader.js';
import { walkSteps } from '../plan/walk.js';
import { PLATFORMS, type PlatformName } from '../core/platform.js';

export interface FirmwareImage {
  /** The plan's name for it ("candidate"). */
  name: string;
  image: Buffer;
  info: ModuleInfo;
  /** The file it came from, or `make` for a test app built by the rig. */
  source: string;
}

export interface BoardVarsForFirmware {
  name: string;
  platform: PlatformName;
  id: string;
}

function makeImage(loaded: LoadedPlan, name: string, platform: PlatformName): Buffer {
  const spec = loaded.plan.firmware[name];
  if (spec?.kind !== 'make') throw new Error(`firmware ${name} is not a make spec`);
  let behaviour;
  try {
    behaviour = spec.behaviour && parseBehaviourMap(spec.behaviour);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const message = err.message.replace(/^--behaviour: /, `firmware '${name}' behaviour: `);
    throw new InputError(message, loaded.placeAt(['firmware', name, 'make', 'behaviour']), err.fix);
  }
  const fallback = defaultSystemDependency(platform);
  const depends = spec.depends?.map((d): SystemDependency => ({ func: 'system-part', index: d.index ?? fallback.index, version: d.version }));
  try {
    return makeTestApp({ platform, version: spec.version, depends, size: spec.size, behaviour });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    throw new InputError(`firmware '${name}': ${err.message}`, loaded.placeAt(['firmware', name, 'make']), err.fix);
  }
}

export function firmwareForBoard(
  loaded: LoadedPlan,
  name: string,
  board: BoardVarsForFirmware,
  expected: ExpectedModule = 'any',
): FirmwareImage {
  const spec = loaded.plan.firmware[name];
  const place = loaded.placeAt(['firmware', name]);
  if (!spec) throw new InputError(`firmware '${name}' is not defined`, loaded.placeAt(['firmware'], 'key'));
  let image: Buffer;
  let info: ModuleInfo;
  let source: string;
  if (spec.kind === 'make') {
    image = makeImage(loaded, name, board.platform);
    info = parseModule(image, `${name} (made for ${board.platform})`);
    source = 'make';
  } else {
    source = firmwarePath(loaded, name, { platform: board.platform, board: board.name, id: board.id });
    try {
      ({ buf: image, info } = readModuleFile(source));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw new InputError(`firmware '${name}' (${source}): ${err.message}`, place, err.fix);
    }
  }
  const problems = checkModuleForBoard(info, PLATFORMS[board.platform], expected);
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? `; also ${problems.slice(1).map((p) => p.message).join('; ')}` : '';
    throw new InputError(`firmware '${name}' (${source}) for board ${board.name}: ${first.message}${more}`, place, first.fix);
  }
  return { name, image, info, source };
}

/** A firmware that an `expect-app` names must be an application (user part); others may be any module. */
export function expectedModules(loaded: LoadedPlan): Map<string, ExpectedModule> {
  const expected = new Map<string, ExpectedModule>();
  walkSteps(loaded.plan.steps, (step) => {
    if (step.kind === 'expect-app') expected.set(step.firmware, 'user-part');
  });
  return expected;
}
