// The stable path of a simulated port: a symlink to /dev/pts/N, replaced
// atomically so a host never sees a half-made link.
import { mkdirSync, readlinkSync, renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

export function publishLink(linkPath: string, target: string): void {
  mkdirSync(dirname(linkPath), { recursive: true });
  const temp = `${linkPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  symlinkSync(target, temp);
  renameSync(temp, linkPath);
}

/** Removes the link if it still points at `target` (another port may own the path now). */
export function removeLink(linkPath: string, target: string): void {
  try {
    if (readlinkSync(linkPath) === target) unlinkSync(linkPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
