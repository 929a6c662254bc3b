// Where a secret (the cloud token) comes from. Bench files may only point at
// it: env:NAME or file:PATH. A token written inline would end up in version
// control, so it is refused, and the message never repeats it.
import { z } from 'zod';
import type { SourcePlace } from '../core/errors.js';
import { withFix } from '../yaml/describe.js';

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
