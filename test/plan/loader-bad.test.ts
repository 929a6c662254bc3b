// Every bad plan the format must refuse: each fixture gives one exact line,
// file:line:column: message (fix), as `rig validate` prints it.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';
import { loadPlan } from '../../src/plan/loader.js';
import { problemsOf } from '../../src/yaml/input-errors.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plans-bad/${name}`, import.meta.url));

async function formatted(file: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    await loadPlan(file, { env });
  } catch (err) {
    if (err instanceof InputError) return err.format();
    throw err;
  }
  throw new Error(`${file} loaded, but it is a bad plan`);
}

/** fixture -> the line after "<file>:" */
const CASES: Record<string, [what: string, line: string]> = {
  'syntax-error.yaml': ['a YAML syntax error', '5:3: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ] (indent nested entries consistently with spaces)'],
  'duplicate-key.yaml': ['a duplicate key', "7:5: duplicate key 'via' (each key may appear once in a map; remove or rename one)"],
  'empty.yaml': ['an empty file', '1:1: plan file is empty (start with the plan key, e.g. `plan: my-plan`)'],
  'not-a-map.yaml': ['a list instead of a map', '1:1: expected a map, got a list'],
  'unknown-key.yaml': ['an unknown key', "2:1: unknown key 'decription' — did you mean 'description'?"],
  'unknown-step.yaml': ['an unknown step kind', "5:5: unknown step 'flahs' — did you mean 'flash'?"],
  'unknown-step-option.yaml': ['an unknown option of a known step', "5:5: unknown key 'vai' — did you mean 'via'?"],
  'firmware-key-typo.yaml': ['a misspelt key in a firmware entry', "3:10: unknown key 'pth' — did you mean 'path'?"],
  'bad-firmware-name.yaml': ['a firmware name that is no name', "3:3: firmware: 'my app' is not a usable name (use letters, digits, dot, dash and underscore, starting with a letter or digit)"],
  'no-steps.yaml': ['an empty step list', '2:8: steps: needs at least 1 item'],
  'two-kinds.yaml': ['two step kinds in one step', '6:5: a step has one kind; this one has flash and mode (split it into separate steps, each starting with "- ")'],
  'step-is-string.yaml': ['a step kind without a value', '3:5: step \'inspect\' needs a value (write it as a map, e.g. "- inspect: ...")'],
  'wrong-type.yaml': ['a wrong type', '2:8: steps: expected a list of steps, got a string'],
  'missing-steps.yaml': ['a missing required key', "1:1: missing key 'steps'"],
  'missing-key-in-step.yaml': ['a missing key inside a step', "3:5: expect-event: missing key 'name'"],
  'bad-enum.yaml': ['a bad enum value', "6:10: via: 'dfuu' is not one of dfu, serial, ota, usb — did you mean 'dfu'?"],
  'reset-kind.yaml': ['a bad enum inside the map form of a step', "3:20: kind: 'hard' is not one of soft, pin, power"],
  'bad-duration.yaml': ['a bad duration', "6:13: within: 'two minutes' is not a duration like 30s or 2m (units: ms, s, m, h; combine them largest first, as in 1h30m)"],
  'bare-number-duration.yaml': ['a duration without a unit', '3:11: wait: 30 is not a duration like 30s or 2m (a bare number has no unit; write 30s, or 30ms for milliseconds)'],
  'undefined-firmware.yaml': ['an undefined firmware name', "7:12: flash: firmware 'candidat' is not defined; defined: baseline, candidate (did you mean 'candidate'?)"],
  'unknown-platform.yaml': ['an unknown platform', "2:30: platform: unknown platform 'photn' — did you mean 'photon'? (platforms: photon, p1, electron, argon, boron, xenon, p2)"],
  'undefined-variable.yaml': ['an undefined ${VAR}', '3:14: candidate: ${RIG_TEST_UNSET_DIR} is not set (set it with --set RIG_TEST_UNSET_DIR=FILE or in the environment, or give a default under env: in the plan)'],
  'expect-log-both.yaml': ['expect-log with match and absent', '3:17: expect-log: give exactly one of match and absent (match: the pattern must appear; absent: it must not)'],
  'within-twice.yaml': ['within inside and beside a step', '4:13: within: given twice, inside expect-log and beside it (keep one)'],
  'bad-pattern.yaml': ['a pattern that does not compile', "3:17: expect-log: 'update done (missing' is not a valid regular expression: Unterminated group (escape special characters such as ( [ . * + ? with a backslash)"],
  'repeat-without-count.yaml': ['a repeat without times or until', '4:7: repeat: needs times or until (e.g. times: 10, or until: failure with max: 50)'],
  'nested-repeat.yaml': ['a bad value in a step inside a repeat', "8:35: reason: 'pin_rest' is not one of update, update_timeout, update_error, pin_reset, power_down, power_management, user, panic, hard_fault, safe_mode, dfu_mode, watchdog, none — did you mean 'pin_reset'?"],
  'fault-option.yaml': ['a fault option that does not apply', '3:42: bandwidth: does not apply to a power-cut fault (bandwidth applies to: link)'],
  'fault-at-for.yaml': ['a fault armed at a transfer that lasts for a time', "3:73: for: cannot follow a fault armed at ota 40%: when it fires is the board's to tell (undo it with a later step: power: on, or fault: usb-replug)"],
  'fault-at-within.yaml': ['within on a fault armed at a transfer', '4:13: within: does not apply to a fault armed at a transfer: the flash step it fires in waits for the board (put within on that flash step)'],
  'fault-within-link.yaml': ['within on a fault that neither takes the board away nor brings it back', '3:44: within: does not apply to a link fault (within applies to: power-cut, reset, usb-unplug, usb-replug)'],
  'bad-percent.yaml': ['a bad percentage', "3:62: percent: 'forty' is not a percentage like 40%"],
  'bad-version.yaml': ['a bad module version', "4:53: version: 'about 1406' is not a module version like 1406 or >=1406 (a whole number, optionally after one of = != >= > <= <)"],
  'after-without-previous.yaml': ['after: previous with only an action before it', '8:12: after: previous: no symptom to come after since the flash on line 5 (an action starts a new window: put an expect-event, expect-log or expect-reset between the flash and this step, or remove after)'],
  'after-with-absent.yaml': ['after: previous on an absent expectation', '5:12: after: previous does not apply to expect-log with absent (after orders a symptom that must appear; remove it here)'],
  'after-bad-value.yaml': ['after with a value other than previous', '5:12: after: "started" is not an order a plan can state (write after: previous, meaning after what the previous expectation matched)'],
  'after-on-expect-app.yaml': ['after on a step that cannot be ordered', "6:5: unknown key 'after' (allowed here: expect-app, within, name, timeout, continue-on-failure)"],
  'call-bad-function.yaml': ['a cloud function name that is none', "3:23: function: 'allow update' is not a cloud function name (letters, digits, _ and -, up to 64 characters, as Particle.function registers it)"],
  'call-unknown-option.yaml': ['a misspelt option of call', "3:36: unknown key 'args' — did you mean 'arg'?"],
};

t.test('each bad plan gives its one located line', async (t) => {
  for (const [name, [what, line]] of Object.entries(CASES)) {
    t.test(`${what} (${name})`, async (t) => {
      const file = fixture(name);
      t.equal(await formatted(file), `${file}:${line}`);
    });
  }
});

t.test('a missing file is an InputError naming the file', async (t) => {
  const file = fixture('no-such-plan.yaml');
  const err = await loadPlan(file).then(() => undefined, (e: unknown) => e);
  t.type(err, InputError);
  t.ok((err as InputError).format().startsWith(`${file}: plan file not found (check the path; it is read relative to `), (err as InputError).format());
  t.same((err as InputError).place, { file }, 'no line or column: there is no text to point into');
});

t.test('several problems are reported together, one located line each, in file order', async (t) => {
  const file = fixture('several-problems.yaml');
  const err = await loadPlan(file).then(() => undefined, (e: unknown) => e);
  t.type(err, InputError, 'the aggregate is still an InputError (exit 2)');
  const problems = problemsOf(err as InputError);
  t.equal(problems.length, 2);
  t.equal((err as InputError).format(), [
    `${file}:2:10: timeout: '1 hour' is not a duration like 30s or 2m (units: ms, s, m, h; combine them largest first, as in 1h30m)`,
    `${file}:7:11: mode: 'sleep' is not one of normal, listening, dfu, safe`,
  ].join('\n'));
});

t.test('the undefined variable is accepted once the environment sets it', async (t) => {
  const loaded = await loadPlan(fixture('undefined-variable.yaml'), { env: { RIG_TEST_UNSET_DIR: '/builds' } });
  t.equal(loaded.plan.name, 'undefined-variable');
});
