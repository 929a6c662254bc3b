// Reads a YAML source file. A file that is not there or cannot be read is
// bad input (the user named it), so it becomes an InputError naming the path.
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';

function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export async function readSourceFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT') {
      throw new InputError(`${what} file not found`, { file }, `check the path; it is read relative to ${process.cwd()}`);
    }
    if (code === 'EISDIR') throw new InputError(`${what} file is a folder, not a file`, { file }, 'name a .yaml file');
    if (code === 'EACCES') throw new InputError(`${what} file is not readable`, { file }, 'check its permissions');
    throw new InputError(`${what} file cannot be read: ${(err as Error).message}`, { file });
  }
}
