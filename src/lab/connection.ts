// The lab's Redis, from `--queue redis://HOST:PORT`. The URL names where, never
// who: credentials come from the environment (RIG_REDIS_USERNAME,
// RIG_REDIS_PASSWORD) or a file (RIG_REDIS_PASSWORD_FILE), because a URL is
// echoed by shells, CI logs and process listings. Errors never repeat the
// URL as given nor the password.
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { InfraError, InputError } from '../core/errors.js';
import { redactSecret } from '../core/redact.js';

export interface QueueAddress {
  host: string;
  port: number;
  db: number;
  tls: boolean;
  /** redis://HOST:PORT[/DB], safe to print. */
  display: string;
}

const CREDENTIALS_FIX = 'give the password in RIG_REDIS_PASSWORD or a file named by RIG_REDIS_PASSWORD_FILE, the user in RIG_REDIS_USERNAME';

/** Parses --queue; a URL carrying a user or password is refused without repeating it. */
export function parseQueueUrl(text: string): QueueAddress {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not echoed: a mistyped URL may still hold a password.
    throw new InputError('--queue: not a URL', undefined, 'e.g. --queue redis://127.0.0.1:6379');
  }
  if (url.username !== '' || url.password !== '') {
    throw new InputError('--queue: the URL carries credentials; the rig refuses them there', undefined, CREDENTIALS_FIX);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InputError(`--queue: ${url.protocol.replace(/:$/, '')} is not redis or rediss`, undefined, 'e.g. --queue redis://127.0.0.1:6379');
  }
  if (url.hostname === '') throw new InputError('--queue: the URL names no host', undefined, 'e.g. --queue redis://127.0.0.1:6379');
  const dbText = url.pathname.replace(/^\//, '');
  if (!/^\d*$/.test(dbText) || url.search !== '' || url.hash !== '') {
    throw new InputError('--queue: only redis://HOST:PORT or redis://HOST:PORT/DB is understood', undefined, 'e.g. --queue redis://127.0.0.1:6379/0');
  }
  const port = url.port === '' ? 6379 : Number(url.port);
  const db = dbText === '' ? 0 : Number(dbText);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { host, port, db, tls: url.protocol === 'rediss:', display: `${url.protocol}//${url.host}${db ? `/${db}` : ''}` };
}

export interface RedisCredentials {
  username?: string;
  password?: string;
}

/** The credentials from the environment or a file; none is fine for a Redis without AUTH. */
export async function redisCredentials(env: NodeJS.ProcessEnv = process.env): Promise<RedisCredentials> {
  const username = env.RIG_REDIS_USERNAME?.trim() || undefined;
  let password = env.RIG_REDIS_PASSWORD?.trim() || undefined;
  const file = env.RIG_REDIS_PASSWORD_FILE?.trim();
  if (password === undefined && file) {
    try {
      password = (await readFile(file, 'utf8')).trim() || undefined;
    } catch (err) {
      throw new InputError(`RIG_REDIS_PASSWORD_FILE: ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, undefined, 'write the password alone into that file (mode 600)');
    }
    if (password === undefined) throw new InputError(`RIG_REDIS_PASSWORD_FILE: ${file} is empty`, undefined, 'write the password alone into that file (mode 600)');
  }
  return { ...(username ? { username } : {}), ...(password ? { password } : {}) };
}

export interface LabConnection {
  redis: Redis;
  address: QueueAddress;
  /** Text that may have echoed a credential (a Redis error), made safe to print. */
  redact(text: string): string;
  /** How BullMQ makes its own connections to the same Redis (workers and event readers block, so they may never give up a command). */
  bullOptions: ConnectionOptions;
  close(): Promise<void>;
}

/**
 * Connects and answers once the server does. `keepTrying`: an agent rides
 * out a Redis restart after it started; a one-shot command fails at once.
 */
export async function connectLab(queueUrl: string, o: { keepTrying?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<LabConnection> {
  const address = parseQueueUrl(queueUrl);
  const credentials = await redisCredentials(o.env);
  const redact = (text: string): string => [credentials.password, credentials.username].reduce<string>((t, s) => (s ? redactSecret(t, s) : t), text);
  const where: RedisOptions = { host: address.host, port: address.port, db: address.db, ...credentials, ...(address.tls ? { tls: {} } : {}) };
  const redis = new Redis({
    ...where,
    lazyConnect: true,
    connectTimeout: 5000,
    // BullMQ's workers need this later; the registry's commands just wait for the reconnection.
    maxRetriesPerRequest: o.keepTrying ? null : 1,
    retryStrategy: (times) => (o.keepTrying ? Math.min(times * 200, 2000) : null),
  });
  let lastError = '';
  // Without a listener ioredis prints every connection error itself.
  redis.on('error', (err: Error) => void (lastError = redact(err.message)));
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    // The connection's own error says why (ECONNREFUSED, NOAUTH); the command's only that it closed.
    const why = lastError || redact(err instanceof Error ? err.message : String(err));
    throw new InfraError(`cannot reach the lab's Redis at ${address.display}: ${why}`, 'check --queue, that redis-server runs there, and RIG_REDIS_PASSWORD');
  }
  return {
    redis, address, redact,
    bullOptions: { ...where, maxRetriesPerRequest: null, connectTimeout: 5000 } as ConnectionOptions,
    close: async () => {
      try {
        await redis.quit();
      } catch {
        redis.disconnect(); // already gone: nothing to say goodbye to
      }
    },
  };
}
