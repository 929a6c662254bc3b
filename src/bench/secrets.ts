// Resolves a SecretRef when it is needed, not when the bench is loaded, so
// `rig validate` works without the token. Errors name the variable or the
// file, never the secret.
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { z } from 'zod';
import type { SourcePlace } from '../core/errors.js';
import { withFix } from '../yaml/describe.js';
import type { Bench } from './schema.js';

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
        const code = errorCode(err);
        const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : code === 'EISDIR' ? 'is a folder, not a file' : 'cannot be read';
        throw new InputError(`${what}: file ${ref.path} ${why}`, ref.place, 'write the token alone into that file (mode 600)');
      }
      const value = text.trim();
      if (!value) throw new InputError(`${what}: file ${ref.path} is empty`, ref.place, 'write the token alone into that file (mode 600)');
      return value;
    }
  }
}

// Where a secret (the cloud token) comes from. Bench files may only point at
// it: env:NAME or file:PATH. A token written inline would end up in version
// control, so it is refused, and the message never repeats it.
export type SecretRef =
  | { source: 'env'; name: string; place?: SourcePlace }
  | { source: 'file'; path: string; place?: SourcePlace }
  /** Given by code (the simulated bench publishes its token); never read from YAML. */
  | { source: 'given'; value: string; place?: SourcePlace };

const REF_RE = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

const INLINE = withFix('tokens never go inline; use env:PARTICLE_ACCESS_TOKEN or file:PATH', 'move the token into that variable or file, and revoke it if it was committed');

export const SecretRefSchema = z
  .string({ error: () => INLINE })
  .regex(REF_RE, { error: (iss) => (typeof iss.input === 'string' && /^(env|file):/.test(iss.input) ? withFix('env: needs a variable name, file: a path', 'e.g. env:PARTICLE_ACCESS_TOKEN or file:~/.particle-token') : INLINE) })
  .transform((text): SecretRef => (text.startsWith('env:') ? { source: 'env', name: text.slice(4) } : { source: 'file', path: text.slice(5) }))
  .meta({ description: 'env:NAME or file:PATH; never the token itself' });

/**
 * Every secret the bench names can be read (the values are dropped): a bench
 * whose token variable is unset or whose token file is missing, empty or a
 * folder is bad input for `rig validate` as much as for `rig run`.
 */
export async function checkBenchSecrets(bench: Bench, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (bench.cloud && !bench.simulator) await resolveSecret(bench.cloud.token, 'cloud token', env);
}
