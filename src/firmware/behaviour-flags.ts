// `--behaviour blocks-cloud-in-setup,fills-fs=100,crash=hard_fault@30s` ->
// the behaviour fields a test app is made with. Unknown or malformed items
// are InputErrors that list what is allowed. `disables-updates=until-called`
// goes with `update-function=NAME`, the cloud function that lets the update in.
import { InputError } from '../core/errors.js';
import type { AppBehaviour } from './behaviour.js';
import { parseDuration } from '../core/duration.js';

type Setter = (value: string | undefined, out: Partial<AppBehaviour>) => string | undefined;

/** Each returns an error text for a bad value, or undefined after setting its field. */
const FLAGS: Record<string, { usage: string; set: Setter }> = {
  'blocks-cloud-in-setup': { usage: 'blocks-cloud-in-setup', set: switchOn('blocksCloudInSetup') },
  'system-thread': { usage: 'system-thread', set: switchOn('systemThread') },
  'disables-updates': {
    usage: 'disables-updates[=always|until-called]',
    set: (v, o) => {
      if (v !== undefined && v !== 'always' && v !== 'until-called') return 'expected always (the default) or until-called';
      o.disablesUpdates = true;
      return undefined;
    },
  },
  'update-function': {
    usage: 'update-function=NAME',
    set: (v, o) => {
      if (!v || !/^[A-Za-z0-9_-]{1,64}$/.test(v)) return 'expected a cloud function name: letters, digits, _ and -, up to 64';
      o.updateFunction = v;
      return undefined;
    },
  },
  'fills-fs': { usage: 'fills-fs=PERCENT', set: (v, o) => number(v ?? '100', 0, 100, (n) => (o.fillsFs = n)) },
  'log-rate': { usage: 'log-rate=LINES_PER_S', set: (v, o) => number(v, 0, 1000, (n) => (o.logRate = n)) },
  'log-message': {
    usage: 'log-message=TEXT',
    set: (v, o) => {
      if (!v) return 'needs a text';
      o.logMessage = v;
      return undefined;
    },
  },
  version: { usage: 'version=N', set: (v, o) => number(v, 0, 0xffff, (n) => (o.version = n), true) },
  crash: {
    usage: 'crash=panic|hard_fault@DURATION',
    set: (v, o) => {
      const [kind, after] = (v ?? '').split('@');
      const afterMs = parseDuration(after ?? '');
      if ((kind !== 'panic' && kind !== 'hard_fault') || afterMs === undefined) return 'expected panic@30s or hard_fault@500ms';
      o.crash = { kind, afterMs };
      return undefined;
    },
  },
  publish: {
    usage: 'publish=EVENT@PERIOD',
    set: (v, o) => {
      const m = /^([^@\s]{1,64})@(.+)$/.exec(v ?? '');
      const periodMs = m ? parseDuration(m[2] ?? '') : undefined;
      if (!m?.[1] || !periodMs) return 'expected an event name and a period, e.g. publish=temp@10s';
      o.publishes = { name: m[1], periodMs };
      return undefined;
    },
  },
};

function switchOn(field: 'blocksCloudInSetup' | 'systemThread'): Setter {
  return (value, out) => {
    if (value !== undefined) return 'takes no value';
    out[field] = true;
    return undefined;
  };
}

function number(value: string | undefined, min: number, max: number, set: (n: number) => void, integer = false): string | undefined {
  const n = value === undefined || value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
    return `expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${value ?? ''}"`;
  }
  set(n);
  return undefined;
}

export const BEHAVIOUR_FLAG_USAGE = Object.values(FLAGS).map((f) => f.usage).join(', ');

export function parseBehaviourFlags(text: string): Partial<AppBehaviour> {
  const out: Partial<AppBehaviour> = {};
  const seen = new Map<string, string | undefined>();
  const fail = (message: string) => new InputError(`--behaviour: ${message}`, undefined, `allowed: ${BEHAVIOUR_FLAG_USAGE}`);
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    const flag = Object.hasOwn(FLAGS, name) ? FLAGS[name] : undefined;
    if (!flag) throw fail(`unknown behaviour "${name}"`);
    if (seen.has(name)) throw fail(`"${name}" is given twice`);
    seen.set(name, value);
    const error = flag.set(value, out);
    if (error) throw fail(`"${item}": ${error}`);
  }
  // The pair only makes sense together: the function is what ends "until called".
  const untilCalled = seen.get('disables-updates') === 'until-called';
  if (untilCalled && !seen.has('update-function')) throw fail('"disables-updates=until-called" needs update-function=NAME, the cloud function that allows the update');
  if (!untilCalled && seen.has('update-function')) throw fail('"update-function" goes with disables-updates=until-called');
  return out;
}

/** Plans and benches write behaviour as a map of the same names: { blocks-cloud-in-setup: true, log-rate: 10 }. */
export function parseBehaviourMap(behaviour: Record<string, unknown>): Partial<AppBehaviour> {
  const text = Object.entries(behaviour)
    .filter(([, v]) => v !== false)
    .map(([k, v]) => (v === true ? k : `${k}=${String(v)}`))
    .join(',');
  return parseBehaviourFlags(text);
}
