// ${VARS} in firmware paths: board variables per run, the environment over
// the plan's defaults, relative paths from the plan's folder, and an
// undefined variable reported where the firmware entry was written.
import t from 'tap';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { firmwarePath } from '../../src/plan/firmware-path.js';
import { loadPlan } from '../../src/plan/loader.js';
import { parseTemplate } from '../../src/plan/variables.js';
import { unusedSetVariables } from '../../src/plan/checks.js';

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
    `${file}:6:8: abs: \${OUT} is not set (set it with --set OUT=FILE or in the environment, or give a default under env: in the plan)`);
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

t.test('--set variables win over the environment and the plan env', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN });
  const loaded = await loadPlan(join(dir, 'vars.yaml'), { env: { OUT: 'x', BUILD: '/ci/build' }, variables: { BUILD: '/home/me/build' } });
  t.equal(firmwarePath(loaded, 'app', photon), '/home/me/build/photon/photon-1-3a002c000847343337373738.bin');
  t.equal(firmwarePath(loaded, 'abs', photon), '/opt/fw/x/app.bin', 'the environment where --set says nothing');
});

t.test('a --set variable inside a path is refused at the firmware entry', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN });
  const file = join(dir, 'vars.yaml');
  await t.rejects(loadPlan(file, { env: {}, variables: { OUT: '/home/me/out' } }), {
    message: 'abs: ${OUT} is given with --set, which names a file or folder, but it does not begin the path',
    fix: 'begin the path with ${OUT}, or give OUT in the environment instead of --set',
    place: { file, line: 6, column: 8 },
  });
});

t.test('a --set variable no plan uses is named, with the one it may mean', async (t) => {
  const dir = t.testdir({ 'vars.yaml': PLAN, 'made.yaml': 'plan: m\nfirmware: { a: { make: {} } }\nsteps:\n  - flash: a\n' });
  const plans = [(await loadPlan(join(dir, 'vars.yaml'), { env: { OUT: 'x' } })).plan, (await loadPlan(join(dir, 'made.yaml'))).plan];
  t.same(unusedSetVariables(plans, { BUILD: '/b', OUT: '/o' }), [], 'each is used by some plan');
  const [typo, other] = unusedSetVariables(plans, { BIULD: '/b', ZZZ: '/z' });
  t.equal(typo?.format(), "--set BIULD: no plan's firmware path uses ${BIULD} (did you mean 'BUILD'?)");
  t.equal(other?.format(), "--set ZZZ: no plan's firmware path uses ${ZZZ} (the plans use ${BUILD}, ${OUT})");
  t.equal(unusedSetVariables([plans[1]!], { X: '/x' })[0]?.fix, 'the plans name no ${VARIABLE} in their firmware paths: drop --set');
});
