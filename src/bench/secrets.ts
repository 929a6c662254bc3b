// Resolves a SecretRef when it is needed, not when the bench is loaded, so
// `rig validate` works without the token. Errors name the variable or the
// file, never the secret.
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { SecretRef } from './secret-ref.js';

function errorCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export async function resolveSecret(ref: SecretRef, what = 'cloud token', env: NodeJS.ProcessEnv = process.env): Promise<string> {
  switch (ref.source) {
    case 'given':
      return ref.value;
    case 'env': {
      const value = env[ref.name]?.trim();
      if (!value) throw new InputError(`${what}: environment variable ${ref.name} is not set`, ref.place, `export ${ref.name}=<token> before running the rig`);
      return value;
    }
    case 'file': {
      let text: string;
      try {
        text = await readFile(ref.path, 'utf8');
      } catch (err) {
        const why = errorCode(err) === 'ENOENT' ? 'does not exist' : errorCode(err) === 'EACCES' ? 'is not readable' : 'cannot be read';
        throw new InputError(`${what}: file ${ref.path} ${why}`, ref.place, 'write the token alone into that file (mode 600)');
      }
      const value = text.trim();
      if (!value) throw new InputError(`${what}: file ${ref.path} is empty`, ref.place, 'write the token alone into that file (mode 600)');
      return value;
    }
  }
}
