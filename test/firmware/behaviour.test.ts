import t from 'tap';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { BEHAVIOUR_MARKER, decodeBehaviour, defaultBehaviour, encodeBehaviour, type AppBehaviour } from '../../src/firmware/behaviour.js';
import { parseBehaviourFlags, parseBehaviourMap } from '../../src/firmware/behaviour-flags.js';
import { independentCrc, photonSystemPart } from './fixtures/module.js';

const full: AppBehaviour = {
  version: 3, logRate: 10, logMessage: 'tick', blocksCloudInSetup: true, systemThread: true,
  disablesUpdates: true, fillsFs: 100, crash: { kind: 'hard_fault', afterMs: 30_000 },
  publishes: { name: 'temp', periodMs: 10_000 },
};

t.test('behaviour round trip through a made module', async (t) => {
  const buf = makeTestApp({ platform: 'argon', behaviour: full });
  t.same(decodeBehaviour(buf), full);
  const info = parseModule(buf);
  t.equal(info.crcStored, independentCrc(buf), 'the descriptor sits inside a valid module');
  t.equal(info.version, 3, 'behaviour version is the module version');
  const marker = buf.indexOf(BEHAVIOUR_MARKER);
  t.ok(marker >= 24 && marker < buf.length - 44, 'descriptor in the body, between prefix and suffix');
});

t.test('missing fields take the plain app defaults', async (t) => {
  t.same(decodeBehaviour(makeTestApp({ platform: 'photon' })), defaultBehaviour(1));
  t.same(decodeBehaviour(makeTestApp({ platform: 'photon', version: 5, behaviour: { systemThread: true } })),
    { ...defaultBehaviour(5), systemThread: true });
});

t.test('a binary without a marker has no behaviour', async (t) => {
  t.equal(decodeBehaviour(photonSystemPart()), undefined);
  t.equal(decodeBehaviour(Buffer.alloc(0)), undefined);
});

t.test('an unreadable descriptor is an InputError', async (t) => {
  const notJson = Buffer.from(`xx${BEHAVIOUR_MARKER}{"version":\0`);
  t.throws(() => decodeBehaviour(notJson, 'a.bin'), { name: 'InputError', message: /descriptor is unreadable/ });
  const noNul = Buffer.from(`${BEHAVIOUR_MARKER}{}`);
  t.throws(() => decodeBehaviour(noNul), { message: /no NUL/ });
  const wrong = Buffer.from(`${BEHAVIOUR_MARKER}${JSON.stringify({ ...defaultBehaviour(), fillsFs: 101 })}\0`);
  t.throws(() => decodeBehaviour(wrong), { message: /fillsFs/ });
});

t.test('encoding is canonical: key order does not change the bytes', async (t) => {
  const reordered = Object.fromEntries(Object.entries(full).reverse()) as AppBehaviour;
  t.same(encodeBehaviour(reordered), encodeBehaviour(full));
});

t.test('each distinct behaviour gives a distinct SHA, equal ones the same', async (t) => {
  const variants: Partial<AppBehaviour>[] = [
    {}, { version: 2 }, { logRate: 10 }, { logMessage: 'hi' }, { blocksCloudInSetup: true }, { systemThread: true },
    { disablesUpdates: true }, { fillsFs: 100 }, { crash: { kind: 'panic', afterMs: 1000 } },
    { crash: { kind: 'hard_fault', afterMs: 1000 } }, { publishes: { name: 'x', periodMs: 1000 } },
    { disablesUpdates: true, updateFunction: 'allowUpdate' },
  ];
  const shas = variants.map((b) => parseModule(makeTestApp({ platform: 'photon', behaviour: b })).sha256);
  t.equal(new Set(shas).size, variants.length, 'all distinct');
  t.equal(parseModule(makeTestApp({ platform: 'photon', behaviour: { fillsFs: 100 } })).sha256, shas[7], 'reproducible');
});

t.test('parseBehaviourFlags', async (t) => {
  t.same(parseBehaviourFlags('blocks-cloud-in-setup,system-thread,disables-updates,fills-fs=100,log-rate=10,crash=hard_fault@30s'), {
    blocksCloudInSetup: true, systemThread: true, disablesUpdates: true, fillsFs: 100, logRate: 10,
    crash: { kind: 'hard_fault', afterMs: 30_000 },
  });
  t.same(parseBehaviourFlags(' crash=panic@500ms , publish=temp@1m, version=4, log-message=hello world, fills-fs '), {
    crash: { kind: 'panic', afterMs: 500 }, publishes: { name: 'temp', periodMs: 60_000 }, version: 4,
    logMessage: 'hello world', fillsFs: 100,
  });
  t.same(parseBehaviourFlags(''), {});
  t.same(parseBehaviourFlags('disables-updates=until-called,update-function=allowUpdate'), { disablesUpdates: true, updateFunction: 'allowUpdate' },
    'updates held until the app\'s function is called (seed 001)');
  t.same(parseBehaviourFlags('disables-updates=always'), { disablesUpdates: true });
});

t.test('parseBehaviourMap: the plan form of the same names', async (t) => {
  t.same(parseBehaviourMap({ 'disables-updates': 'until-called', 'update-function': 'allowUpdate', 'fills-fs': 100 }),
    { disablesUpdates: true, updateFunction: 'allowUpdate', fillsFs: 100 });
  t.same(parseBehaviourMap({ 'disables-updates': true }), { disablesUpdates: true });
  t.same(parseBehaviourMap({ 'disables-updates': false }), {});
});

t.test('bad flags name what is allowed', async (t) => {
  const cases: [string, RegExp][] = [
    ['fly', /^--behaviour: unknown behaviour "fly"$/],
    ['fills-fs=101', /"fills-fs=101": expected a number from 0 to 100, got "101"/],
    ['fills-fs=lots', /got "lots"/],
    ['log-rate=', /"log-rate=": expected a number/],
    ['crash=boom@1s', /expected panic@30s or hard_fault@500ms/],
    ['crash=panic', /expected panic@30s/],
    ['crash=panic@soon', /expected panic@30s/],
    ['system-thread=yes', /"system-thread=yes": takes no value/],
    ['system-thread,system-thread', /"system-thread" is given twice/],
    ['version=1.5', /expected an integer/],
    ['publish=temp', /e\.g\. publish=temp@10s/],
    ['constructor', /unknown behaviour "constructor"/],
    ['disables-updates=sometimes', /"disables-updates=sometimes": expected always \(the default\) or until-called/],
    ['disables-updates=until-called', /"disables-updates=until-called" needs update-function=NAME/],
    ['update-function=allowUpdate', /"update-function" goes with disables-updates=until-called/],
    ['disables-updates,update-function=allowUpdate', /"update-function" goes with disables-updates=until-called/],
    ['disables-updates=until-called,update-function=allow update', /expected a cloud function name/],
  ];
  for (const [text, message] of cases) {
    try {
      parseBehaviourFlags(text);
      t.fail(`${text} should be rejected`);
    } catch (err) {
      t.equal((err as Error).name, 'InputError', text);
      t.match((err as Error).message, message, text);
      t.match((err as { fix?: string }).fix, /^allowed: blocks-cloud-in-setup, system-thread, disables-updates\[=always\|until-called\], update-function=NAME, fills-fs=PERCENT, .*crash=panic\|hard_fault@DURATION/, `${text}: lists the allowed names`);
    }
  }
});
