// Test apps for the benchmarks, made and read with the rig's own CLI
// (`rig firmware make` / `rig firmware info --json`), so the rig and a bare
// tool are handed the very same file.
import { execa } from 'execa';
import { z } from 'zod';
import { RIG_BIN, ROOT } from './paths.js';

const Info = z.looseObject({ module: z.looseObject({ startAddress: z.number(), sha256: z.string(), fileSize: z.number() }) });

export interface AppFile {
  path: string;
  /** Where the module starts in flash (its prefix). */
  startAddress: number;
  sha256: string;
  bytes: number;
}

export async function makeApp(path: string, platform: string, version: number): Promise<AppFile> {
  await execa(process.execPath, [RIG_BIN, 'firmware', 'make', '--platform', platform, '--version', String(version), '-o', path], { cwd: ROOT });
  const { stdout } = await execa(process.execPath, [RIG_BIN, 'firmware', 'info', path, '--json'], { cwd: ROOT });
  const info = Info.parse(JSON.parse(stdout)).module;
  return { path, startAddress: info.startAddress, sha256: info.sha256.toLowerCase(), bytes: info.fileSize };
}
