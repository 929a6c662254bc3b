// The one Device OS table (particle-facts §11): which releases exist, their
// module versions, the platforms each was built for, and what changed with a
// release that both the rig and the simulated boards must agree on. The
// releases themselves are Particle's table (device-os-releases.ts); nothing
// here derives a module version from a version string.
import { RELEASE_ROWS } from './device-os-releases.js';
import { PLATFORMS, type FlashLayout, type PlatformInfo, type PlatformName } from './platform.js';

export interface DeviceOsRelease {
  /** As Particle writes it: "1.5.2", "0.8.0-rc.27", "3.0.1-p2.5". */
  name: string;
  /** Module version of its system parts (what a user part's dependency names). */
  system: number;
  /** Module version of its bootloader, on every platform. */
  bootloader: number;
  platforms: readonly PlatformName[];
}

const RELEASES: readonly DeviceOsRelease[] = RELEASE_ROWS.map(([name, system, bootloader, platforms]) => ({
  name, system, bootloader, platforms: platforms.split(' ') as PlatformName[],
}));

const BY_NAME = new Map(RELEASES.map((r) => [r.name, r]));

export function deviceOsRelease(name: string): DeviceOsRelease | undefined {
  return BY_NAME.get(name);
}

/** The releases built for `platform`, oldest first. */
function releasesFor(platform: PlatformName): DeviceOsRelease[] {
  return RELEASES.filter((r) => r.platforms.includes(platform));
}

/** A release the table must know: the simulator's and the maker's inputs are checked before they get here. */
export function knownRelease(name: string): DeviceOsRelease {
  const release = deviceOsRelease(name);
  if (!release) throw new TypeError(`Expected a Device OS release from the release table, got ${JSON.stringify(name)}`);
  return release;
}

/** Major, minor, patch; a prerelease counts as its release ("3.1.0-rc.1" is in the 3.1.0 line). */
function triple(release: string): [number, number, number] {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(release);
  if (!m) throw new TypeError(`Expected a Device OS version such as "1.5.2", got ${JSON.stringify(release)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether `release` is `since` or later (prereleases count as their release). */
function atLeast(release: string, since: string): boolean {
  const [a, b] = [triple(release), triple(since)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/**
 * What changed with a release, for whoever must behave like it (the first
 * release of the line that brought it). Sources: particle-facts §2-§4, §7, §11.
 */
export const DEVICE_OS_CHANGES = {
  /** spark/flash/status replaces spark/device/ota_result for a failed OTA. */
  flashStatusEvents: '0.7.0',
  /**
   * Fast OTA logs under [comm.ota] in new words: "Received UpdateDone; chunk count: N",
   * "Requested N chunks starting at M", "Update done in Ns; avg rate R B/s", WARN "Aborting transfer"
   * (before: [comm] "update done - ...", "handle received message failed - aborting transfer").
   */
  fastOtaCommOtaLines: '2.0.0',
  /** OTA as UpdateStart/UpdateChunk/UpdateFinish, an ACK every 2 chunks, resumable, 300 s transfer timeout; before it "fast OTA" chunks and UpdateDone rounds. */
  ackedOta: '3.0.0',
  /** GetModuleInfoReply in the new format, with each module's hash. */
  moduleInfoWithHash: '5.6.0',
  /** YMODEM flashing refused ("Serial/YModem flashing is no longer supported"). */
  noSerialFlashing: '6.0.0',
  /** The 28800-baud line-coding trick no longer enters listening mode. */
  noListeningBaud: '6.0.0',
  /** SYSTEM_THREAD(ENABLED) is the default: an app that blocks in setup() no longer starves the cloud. */
  systemThreadByDefault: '6.2.0',
} as const;

export type DeviceOsChange = keyof typeof DEVICE_OS_CHANGES;

export function deviceOsHas(release: string, change: DeviceOsChange): boolean {
  return atLeast(release, DEVICE_OS_CHANGES[change]);
}

/** The flash layout of `platform` under `release`: the earliest layout whose `until` it has not reached, else today's. */
export function flashLayout(platform: PlatformInfo, release: string): FlashLayout {
  return platform.earlierLayouts.find((l) => !atLeast(release, l.until)) ?? platform;
}

/**
 * User part start addresses a board accepts: under `release` its own
 * layout's and those of the layouts before it (an app built for an older
 * release still runs, e.g. a 128 KB Gen3 app at 0x000D4000 on 3.1+); without
 * a release, every start the platform ever had. 'grows-left': the part ends
 * at `userPartEnd` whatever its size (P2).
 */
export function acceptedUserPartStarts(platform: PlatformInfo, release?: string): number[] | 'grows-left' {
  const current = release === undefined ? platform : flashLayout(platform, release);
  if (current.userPart.growsLeft) return 'grows-left';
  const layouts = [...platform.earlierLayouts, platform];
  const upTo = layouts.indexOf(current as (typeof layouts)[number]);
  return [...new Set(layouts.slice(0, upTo < 0 ? layouts.length : upTo + 1).map((l) => l.userPart.start))].reverse();
}

/** The release a user part depending on system module version `system` was built with: the newest for `platform` at or below it. */
export function releaseOfSystemVersion(platform: PlatformName, system: number): DeviceOsRelease | undefined {
  return releasesFor(platform).filter((r) => r.system <= system).at(-1);
}

/** Why a board of `platform` cannot run `release`, with the fix; undefined when it can. */
export function deviceOsProblem(platform: PlatformName, release: string): { message: string; fix: string } | undefined {
  const ran = releasesFor(platform);
  const first = ran[0]?.name ?? '?';
  const last = ran.at(-1)?.name ?? '?';
  const span = `${PLATFORMS[platform].displayName} ran Device OS ${first} to ${last}`;
  const known = deviceOsRelease(release);
  if (!known) {
    return {
      message: `Device OS ${release} is not a release (Particle's release table has no such version)`,
      fix: `${span}; nearest: ${nearest(ran, release).join(', ')}`,
    };
  }
  if (known.platforms.includes(platform)) return undefined;
  return {
    message: `the ${PLATFORMS[platform].displayName} never ran Device OS ${release} (it was built for ${known.platforms.join(', ')})`,
    fix: `${span}; e.g. ${ran.filter((r) => !r.name.includes('-')).at(-1)?.name ?? last}`,
  };
}

/** The platform's releases around `release`: the last one before it (a prerelease of its own line counts) and the next general one. */
function nearest(ran: readonly DeviceOsRelease[], release: string): string[] {
  if (!/^\d+\.\d+\.\d+/.test(release)) return ran.slice(-1).map((r) => r.name);
  const sameLine = (r: DeviceOsRelease) => atLeast(r.name, release) && atLeast(release, r.name);
  const before = ran.filter((r) => !atLeast(r.name, release) || sameLine(r)).at(-1);
  const after = ran.find((r) => !r.name.includes('-') && atLeast(r.name, release) && !sameLine(r));
  return [before, after].filter((r) => r !== undefined).map((r) => r.name);
}
