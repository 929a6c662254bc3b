// `rig firmware make` arguments as commander hands them over (strings) ->
// a test app. Each bad value is an InputError naming its option.
import { InputError } from '../core/errors.js';
import { PLATFORM_NAMES, platformByName } from '../core/platform.js';
import { parseBehaviourFlags } from './behaviour-flags.js';
import { parseDependency } from './dependency.js';
import { makeTestApp } from './make.js';

export interface FirmwareMakeArgs {
  platform: string;
  version?: string;
  /** The Device OS release the app is built with, e.g. "2.3.0". */
  deviceOs?: string;
  /** Each "system@1406" or "system-part2@1406". */
  depends?: string[];
  size?: string;
  /** Comma list, see parseBehaviourFlags. */
  behaviour?: string;
  productId?: string;
  productVersion?: string;
}

function integer(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new InputError(`${option}: "${value}" is not a whole number`, undefined, `e.g. ${option} 4096`);
  }
  return n;
}

export function firmwareMake(args: FirmwareMakeArgs): Buffer {
  const platform = platformByName(args.platform);
  if (!platform) {
    throw new InputError(`--platform: unknown platform "${args.platform}"`, undefined, `one of ${PLATFORM_NAMES.join(', ')}`);
  }
  return makeTestApp({
    platform: platform.name,
    version: integer('--version', args.version),
    deviceOs: args.deviceOs,
    depends: args.depends?.length ? args.depends.map(parseDependency) : undefined,
    size: integer('--size', args.size),
    behaviour: args.behaviour === undefined ? undefined : parseBehaviourFlags(args.behaviour),
    productId: integer('--product-id', args.productId),
    productVersion: integer('--product-version', args.productVersion),
  });
}
