// Generated input (property-based, with fast-check): thousands of plans and
// benches, from random bytes to near-valid files with one mutation. Each
// must load or end as InputError located at file:line:column, quickly:
// never another exception (an internal error), never a hang.
import t from 'tap';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../../src/core/errors.js';
import { loadBench } from '../../src/bench/loader.js';
import { loadPlan } from '../../src/plan/loader.js';
import { problemsOf } from '../../src/yaml/input-errors.js';

const VALID_PLAN = `plan: generated
boards: { platform: [photon, argon] }
timeout: 10m
firmware:
  app: { make: { version: 3, size: 8KB } }
steps:
  - flash: app
    via: dfu
  - expect-app: app
    within: 1m
  - expect-log: { match: "Cloud connected", within: 30s }
  - repeat: { until: failure, max: 3, steps: [ { reset: soft }, { expect-mode: normal } ] }
  - fault: { kind: link, loss: 40%, latency: 200ms }
  - call: allowUpdate
    expect: 1
`;

const VALID_BENCH = `bench: generated
simulator: true
timeScale: 20
boards:
  - { name: photon-1, platform: photon, id: 0123456789abcdef01234567, tags: [wifi] }
  - name: electron-1
    platform: electron
    id: 0123456789abcdef01234568
`;

// Pieces people type: keys of both formats, values of every kind they take.
const WORDS = ['plan', 'boards', 'steps', 'firmware', 'timeout', 'within', 'flash', 'via', 'dfu', 'ota', 'repeat', 'times', 'until', 'max',
  'expect-app', 'expect-log', 'match', 'absent', 'fault', 'kind', 'link', 'loss', 'make', 'version', 'size', 'behaviour', 'after', 'previous',
  'bench', 'simulator', 'timeScale', 'name', 'platform', 'id', 'cloud', 'token', 'env:X', 'usb', 'serial', 'photon', 'p2', 'call', 'expect'];
const SCALARS = ['1s', '0s', '1e309', '-1', '.nan', '99999999999999999999h', '40%', '1e12', 'null', '~', 'true', '"', "'", '[', ']', '{', '}',
  '&a', '*a', '!foo', '|', '>', '- ', ': ', '#', '\t', '\r', '\u0000', '\uffff', '0123456789abcdef01234567'];

const token = fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...SCALARS), fc.string({ maxLength: 8 }));

/** A valid file with edits: a piece inserted, a span deleted, or a span replaced. */
function mutated(valid: string): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.nat({ max: valid.length }), fc.nat({ max: 12 }), fc.array(token, { maxLength: 3 }));
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((text, [at, drop, insert]) => {
    const i = Math.min(at, text.length);
    return text.slice(0, i) + insert.join(' ') + text.slice(i + drop);
  }, valid));
}

/** A YAML document built from the formats' own words, nested a few levels. */
const structured: fc.Arbitrary<string> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constantFrom(...SCALARS, ...WORDS), fc.integer(), fc.double(), tie('map'), tie('list')),
  map: fc.dictionary(fc.constantFrom(...WORDS), tie('value'), { maxKeys: 5 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
})).map.map((doc) => stringify(doc));

const anyText = fc.oneof(
  { weight: 4, arbitrary: mutated(VALID_PLAN) },
  { weight: 2, arbitrary: mutated(VALID_BENCH) },
  { weight: 2, arbitrary: structured },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('latin1')) },
);

/** 'ok', or the problems, each checked to be located in `file`. */
async function outcome(load: () => Promise<unknown>, file: string): Promise<string> {
  const started = performance.now();
  try {
    await load();
    return 'ok';
  } catch (err) {
    if (!(err instanceof InputError)) throw new Error(`not an input error: ${err instanceof Error ? err.stack : String(err)}`);
    for (const p of problemsOf(err)) {
      const line = p.format();
      if (!line.startsWith(`${file}:`)) throw new Error(`not located in the file: ${line}`);
      if (!/^:\d+:\d+: \S/.test(line.slice(file.length)) && !/^: .*file/.test(line.slice(file.length))) throw new Error(`no line:column: ${line}`);
      if (line.length > 600) throw new Error(`a screenful (${line.length} characters): ${line.slice(0, 200)}`);
    }
    return err.format();
  } finally {
    const ms = performance.now() - started;
    if (ms > 2000) throw new Error(`took ${Math.round(ms)} ms`);
  }
}

t.test('generated plans and benches: loaded, or one located InputError per problem', async (t) => {
  const dir = t.testdir({});
  const planFile = join(dir, 'plan.yaml');
  const benchFile = join(dir, 'bench.yaml');
  let loaded = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(anyText, async (text) => {
      writeFileSync(planFile, text);
      writeFileSync(benchFile, text);
      for (const result of [await outcome(() => loadPlan(planFile, { env: {} }), planFile), await outcome(() => loadBench(benchFile), benchFile)]) {
        if (result === 'ok') loaded++;
        else refused++;
      }
    }),
    { numRuns: 2500, seed: 20261203, endOnFailure: true },
  );
  t.comment(`${loaded} loaded, ${refused} refused`);
  t.ok(refused > 1000, `most generated files are refused (${refused})`);
  t.ok(loaded > 0, `and some still load (${loaded}): the generator reaches valid files too`);
});
