// Secrets resolve at use time from env: or file:, and no error ever repeats
// the secret.
import t from 'tap';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { resolveSecret } from '../../src/bench/secrets.js';
import { redactSecret } from '../../src/core/redact.js';

const SECRET = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';
const place = { file: 'rig/bench.yaml', line: 4, column: 10 };

t.test('env: reads the variable', async (t) => {
  t.equal(await resolveSecret({ source: 'env', name: 'TOK' }, 'cloud token', { TOK: `${SECRET}\n` }), SECRET, 'trimmed');
});

t.test('an unset or empty variable is named, with the place of the reference', async (t) => {
  for (const env of [{}, { TOK: '  ' }]) {
    const err = await resolveSecret({ source: 'env', name: 'TOK', place }, 'cloud token', env).catch((e: unknown) => e);
    t.type(err, InputError);
    t.equal((err as InputError).format(), 'rig/bench.yaml:4:10: cloud token: environment variable TOK is not set (export TOK=<token> before running the rig)');
  }
});

t.test('file: reads the file', async (t) => {
  const dir = t.testdir({ token: `${SECRET}\n`, empty: '\n', locked: SECRET });
  t.equal(await resolveSecret({ source: 'file', path: join(dir, 'token') }), SECRET);

  t.test('a missing, empty or unreadable file is named, its content never', async (t) => {
    const missing = await resolveSecret({ source: 'file', path: join(dir, 'nope') }).catch((e: InputError) => e.format());
    t.equal(missing, `cloud token: file ${join(dir, 'nope')} does not exist (write the token alone into that file (mode 600))`);
    const empty = await resolveSecret({ source: 'file', path: join(dir, 'empty') }).catch((e: InputError) => e.format());
    t.equal(empty, `cloud token: file ${join(dir, 'empty')} is empty (write the token alone into that file (mode 600))`);
  });

  t.test('an unreadable file', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async (t) => {
    await chmod(join(dir, 'locked'), 0o000);
    const locked = await resolveSecret({ source: 'file', path: join(dir, 'locked') }).catch((e: InputError) => e.format());
    t.equal(locked, `cloud token: file ${join(dir, 'locked')} is not readable (write the token alone into that file (mode 600))`);
    t.notMatch(locked, SECRET);
  });
});

t.test('a given secret (from the simulated bench) is used as it is', async (t) => {
  t.equal(await resolveSecret({ source: 'given', value: SECRET }), SECRET);
});

t.test('redactSecret hides every occurrence', async (t) => {
  t.equal(redactSecret(`Bearer ${SECRET} and again ${SECRET}`, SECRET), 'Bearer *** and again ***');
  t.equal(redactSecret('abc', ''), 'abc', 'an empty secret redacts nothing');
});
