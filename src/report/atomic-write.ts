// Write a file so that readers see the old content or the whole new one,
// never half a report: temp file in the same folder, flushed, renamed.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { InfraError } from '../core/errors.js';

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  // Same folder as the target: rename is atomic only within one file system.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(data, 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined);
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new InfraError(`cannot write report ${path}: ${code}`, 'check that the folder exists and is writable', { cause });
  }
}
