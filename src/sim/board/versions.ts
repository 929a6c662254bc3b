// Device OS release -> module versions, from Device OS's own
// system/system-versions.md. A board that says "1.5.2" carries system parts
// of version 1512 and a bootloader of version 502, as a real one does.

export interface OsModuleVersions {
  system: number;
  bootloader: number;
}

// [release, system module version, bootloader version]
const KNOWN: ReadonlyArray<readonly [string, number, number]> = [
  ['0.6.4', 110, 11],
  ['0.7.0', 207, 101],
  ['0.8.0-rc.1', 300, 101],
  ['0.9.0', 403, 300],
  ['1.0.0', 1000, 201],
  ['1.0.1', 1002, 201],
  ['1.1.0', 1102, 301],
  ['1.2.1', 1213, 311],
  ['1.3.1', 1321, 401],
  ['1.4.0', 1401, 500],
  ['1.4.4', 1406, 501],
  ['1.5.0', 1502, 501],
  ['1.5.2', 1512, 502],
  ['2.0.0', 2008, 1003],
  ['2.0.1', 2011, 1005],
  ['2.3.0', 2301, 1006],
  ['3.0.0', 3005, 1005],
  ['3.1.0', 3103, 1100],
  ['3.2.0', 3201, 1100],
];

/** Module versions of a Device OS release; releases not in the table get major*1000+minor*100+patch (UNCONFIRMED pattern). */
export function osModuleVersions(release: string): OsModuleVersions {
  const known = KNOWN.find(([r]) => r === release);
  if (known) return { system: known[1], bootloader: known[2] };
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(release);
  if (!m) throw new TypeError(`Expected a Device OS version such as "1.5.2", got ${JSON.stringify(release)}`);
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { system: major * 1000 + minor * 100 + patch, bootloader: major * 1000 + minor };
}

/** The release a system module version belongs to, when the table knows it. */
export function releaseOfSystemVersion(system: number): string | undefined {
  return KNOWN.find(([, s]) => s === system)?.[0];
}

/** Major.minor.patch as one comparable number (3.0.0 -> 30000). */
export function osOrdinal(release: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(release);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}
