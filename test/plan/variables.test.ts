// ${VARS} in firmware paths: board variables per run, the environment over
// the plan's defaults, relative paths from the plan's folder, and an
// undefined variable reported where the firmware entry was written.
import t from 'tap';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { firmwarePath } from '../../src/plan/firmware-path.js';
import { loadPlan } from '../../src/plan/loader.js';
import { parseTemplate } from '../../src/plan/variables.js';

const PLAN = `plan: vars
env:
  BUILD: build/default
firmware:
  app: \${BUILD}/\${platform}/\${board}-\${id}.bin
  abs: /opt/fw/\${OUT}/app.bin
  made: { make: { version: 2 } }
steps:
  - flash: app
`;

const photon = { platform: 'photon' as const, board: 'photon-1', id: '3a002c000847343337373738' };

t.test('paths expand per board and resolve against the plan folder', async (t) => {
  const dir = t.testdir({ plans: { 'vars.yaml': PLAN } });
  const loaded = await loadPlan(join(dir, 'plans', 'vars.yaml'), { env: { OUT: 'nightly' } });
  t.equal(firmwarePath(loaded, 'app', photon), join(dir, 'plans', 'build/default/photon/photon-1-3a002c000847343337373738.bin'));
  t.equal(firmwarePath(loaded, 'abs', photon), '/opt/fw/nightly/app.bin', 'an absolute result stays as it is');
});

t.test('the environment overrides the plan env defaults', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN });
  const loaded = await loadPlan(join(dir, 'vars.yaml'), { env: { OUT: 'x', BUILD: '/ci/build' } });
  t.equal(firmwarePath(loaded, 'app', { ...photon, platform: 'argon' }), '/ci/build/argon/photon-1-3a002c000847343337373738.bin');
});

t.test('an undefined variable is refused at load time, at the firmware entry', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN });
  const file = join(dir, 'vars.yaml');
  const err = await loadPlan(file, { env: {} }).then(() => undefined, (e: unknown) => e);
  t.type(err, InputError);
  t.equal((err as InputError).format(),
    `${file}:6:8: abs: \${OUT} is not set (set OUT in the environment, or give a default under env: in the plan)`);
});

t.test('firmwarePath names the variable when the environment changed since loading', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN });
  const file = join(dir, 'vars.yaml');
  const env: NodeJS.ProcessEnv = { OUT: 'x' };
  const loaded = await loadPlan(file, { env });
  delete env.OUT;
  t.throws(() => firmwarePath(loaded, 'abs', photon), { message: 'abs: ${OUT} is not set', place: { file, line: 6, column: 8 } });
  t.throws(() => firmwarePath(loaded, 'made', photon), { message: 'made: firmware is built by the rig (make), it has no path' });
  t.throws(() => firmwarePath(loaded, 'nope', photon), { message: "firmware 'nope' is not defined" });
});

t.test('malformed templates', async (t) => {
  t.same(parseTemplate('a/${platform}.bin'), { parts: [{ text: 'a/' }, { variable: 'platform' }, { text: '.bin' }] });
  t.same(parseTemplate('${A}${B}'), { parts: [{ variable: 'A' }, { variable: 'B' }] });
  t.same(parseTemplate('a/${oops'), { error: "'a/${oops' has a ${ without its closing }" });
  t.same(parseTemplate('a/${my-var}'), { error: "'${my-var}' is not a variable: names are letters, digits and _" });
  const dir = t.testdir({ 'bad.yaml': 'plan: bad\nfirmware:\n  app: fw/${platform\nsteps:\n  - flash: app\n' });
  const file = join(dir, 'bad.yaml');
  await t.rejects(loadPlan(file, { env: {} }), { message: "app: 'fw/${platform' has a ${ without its closing }", place: { file, line: 3, column: 8 } });
});

t.test('env may not redefine the board variables', async (t) => {
  const dir = t.testdir({ 'p.yaml': 'plan: p\nenv: { platform: photon }\nsteps:\n  - wait: 1s\n' });
  const file = join(dir, 'p.yaml');
  await t.rejects(loadPlan(file, { env: {} }), { message: "'platform' is set by the rig for each board", place: { file, line: 2, column: 8 } });
});
