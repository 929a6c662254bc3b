// Builds a valid user part for any platform in the table: the test apps the
// simulated bench runs. An app is built with a Device OS release, as a real
// one is: the release sets its user part slot (particle-facts §5, §11) and
// its dependency. Checksums and the suffix are written by
// binary-version-reader; see writePrefix for why the prefix is not.
import { z } from 'zod';
import { ModuleFunction } from '../core/domain.js';
import { InputError } from '../core/errors.js';
import { deviceOsProblem, flashLayout, releaseOfSystemVersion } from '../core/device-os.js';
import { PLATFORMS, userPartAddress, type PlatformName } from '../core/platform.js';
import { type AppBehaviour, AppBehaviourSchema, defaultBehaviour, encodeBehaviour } from './behaviour.js';
import { bvr } from './library.js';
import { CLASSIC_SUFFIX_SIZE, FROM_END, PREFIX, PREFIX_SIZE } from './layout.js';
import { defaultAppRelease, releaseDependency, type SystemDependency } from './dependency.js';

export interface MakeTestAppOptions {
  platform: PlatformName;
  /** The app's version: prefix module version and behaviour.version. Default behaviour.version, else 1. */
  version?: number;
  /**
   * The Device OS release the app is built with (one the platform ran): its
   * user part slot, and its dependency unless `depends` is given. Default:
   * see testAppRelease.
   */
  deviceOs?: string;
  /** Up to two system-part dependencies. Default: system part 1 of the app's release. */
  depends?: SystemDependency[];
  /** File size in bytes. Default 4 KB. The body is padded with zeros. It may exceed the slot: boards must refuse such an app. */
  size?: number;
  /** Missing fields take defaultBehaviour()'s values. */
  behaviour?: Partial<AppBehaviour>;
  /** Default 0xffff: not a product build. */
  productId?: number;
  productVersion?: number;
}

export const DEFAULT_APP_SIZE = 4096;

function fail(message: string, fix: string): never {
  throw new InputError(message, undefined, fix);
}

function checkU16(what: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 0xffff)) {
    fail(`${what} ${value} is not an integer from 0 to 65535`, `give ${what} as a 16-bit number`);
  }
}

function checkDependency(d: SystemDependency): void {
  if (d.func !== 'system-part' || !Number.isInteger(d.index) || d.index < 1 || d.index > 255) {
    fail(`bad dependency ${JSON.stringify(d)}`, 'a dependency is { func: "system-part", index: 1-255, version: 0-65535 }');
  }
  checkU16('dependency version', d.version);
}

function completeBehaviour(version: number, given: Partial<AppBehaviour>): AppBehaviour {
  const parsed = AppBehaviourSchema.safeParse({ ...defaultBehaviour(version), ...given, version });
  if (!parsed.success) fail(`bad behaviour: ${z.prettifyError(parsed.error).replace(/\n/g, '; ')}`, 'see AppBehaviourSchema');
  return parsed.data;
}

/**
 * Hand-written: binary-version-reader 2.5's updateModulePrefix assigns the end
 * address to an undeclared variable, leaking a global `addr` on every call.
 */
function writePrefix(buf: Buffer, p: { start: number; end: number; version: number; platformId: number; deps: SystemDependency[] }): void {
  buf.writeUInt32LE(p.start, PREFIX.start);
  buf.writeUInt32LE(p.end, PREFIX.end);
  buf.writeUInt8(0, PREFIX.reserved);
  buf.writeUInt8(0, PREFIX.flags);
  buf.writeUInt16LE(p.version, PREFIX.version);
  buf.writeUInt16LE(p.platformId, PREFIX.platformId);
  buf.writeUInt8(ModuleFunction.userPart, PREFIX.func);
  buf.writeUInt8(1, PREFIX.index);
  p.deps.forEach((d, i) => {
    const at = i === 0 ? PREFIX.dep1 : PREFIX.dep2;
    buf.writeUInt8(ModuleFunction.systemPart, at);
    buf.writeUInt8(d.index, at + 1);
    buf.writeUInt16LE(d.version, at + 2);
  });
}

/**
 * The release a test app is built with: `deviceOs` when given (an InputError
 * unless the platform ran it), else the release its newest system-part
 * dependency was built with, else defaultAppRelease(platform).
 */
export function testAppRelease(platform: PlatformName, o: Pick<MakeTestAppOptions, 'deviceOs' | 'depends'>): string {
  if (o.deviceOs !== undefined) {
    const problem = deviceOsProblem(platform, o.deviceOs);
    if (problem) fail(problem.message, problem.fix);
    return o.deviceOs;
  }
  const newest = Math.max(-1, ...(o.depends ?? []).map((d) => d.version));
  return releaseOfSystemVersion(platform, newest)?.name ?? defaultAppRelease(platform);
}

export function makeTestApp(options: MakeTestAppOptions): Buffer {
  const platform = Object.hasOwn(PLATFORMS, options.platform) ? PLATFORMS[options.platform] : undefined;
  if (!platform) fail(`unknown platform "${String(options.platform)}"`, `one of ${Object.keys(PLATFORMS).join(', ')}`);
  const given = options.behaviour ?? {};
  if (options.version !== undefined && given.version !== undefined && options.version !== given.version) {
    fail(`version ${options.version} and behaviour version ${given.version} disagree`, 'give the version once');
  }
  const version = options.version ?? given.version ?? 1;
  checkU16('version', version);
  checkU16('product id', options.productId);
  checkU16('product version', options.productVersion);
  const descriptor = encodeBehaviour(completeBehaviour(version, given));
  const release = testAppRelease(platform.name, options);
  const deps = options.depends ?? [releaseDependency(release)];
  if (deps.length > 2) fail(`${deps.length} dependencies given; a module prefix holds at most 2`, 'drop some');
  deps.forEach(checkDependency);

  const minimal = PREFIX_SIZE + descriptor.length + CLASSIC_SUFFIX_SIZE + FROM_END.crc;
  const size = options.size ?? Math.max(DEFAULT_APP_SIZE, minimal);
  if (!Number.isInteger(size) || size < minimal) {
    fail(`size ${size} is too small for this app; it needs at least ${minimal} bytes`, `use --size ${minimal} or more`);
  }

  const buf = Buffer.alloc(size);
  const start = userPartAddress(platform, size, flashLayout(platform, release));
  writePrefix(buf, { start, end: start + size - 4, version, platformId: platform.id, deps });
  descriptor.copy(buf, PREFIX_SIZE);
  bvr().updateModuleSuffix(buf, {
    suffixSize: CLASSIC_SUFFIX_SIZE,
    productId: options.productId ?? 0xffff,
    productVersion: options.productVersion ?? 0xffff,
    reserved: 0,
  });
  bvr().updateModuleSha256(buf);
  bvr().updateModuleCrc32(buf);
  return buf;
}
