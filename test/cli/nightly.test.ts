// The nightly regression as shipped: its plans validate on the default
// simulated bench, and the GitHub Actions workflow and the systemd units
// run the `rig run` that exists, on plans/nightly, with options it accepts.
import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/main.js';
import { ROOT, runRig } from './run-rig.js';

const NIGHTLY = join(ROOT, 'plans', 'nightly');
const PLANS = readdirSync(NIGHTLY).filter((f) => f.endsWith('.yaml')).sort().map((f) => `plans/nightly/${f}`);
const RUN_OPTIONS = new Set(buildProgram().commands.find((c) => c.name() === 'run')!.options.map((o) => o.long));
/** `node bin/rig.js run` on the nightly plans: the glob, or the folder once `rig run` takes one. */
const NIGHTLY_RUN = /node bin\/rig\.js run plans\/nightly(\/\*\.yaml)?(?=\s)/;

/** The options a command line gives `rig run`, each checked against the real command. */
function unknownRunOptions(line: string): string[] {
  return [...line.matchAll(/(?<=\s)--[a-z][a-z-]*/g)].map((m) => m[0]).filter((o) => !RUN_OPTIONS.has(o));
}

t.test('the nightly plans validate on the default simulated bench', async (t) => {
  t.ok(PLANS.length >= 4, `a handful of plans: ${PLANS.join(', ')}`);
  const r = await runRig(['validate', ...PLANS]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /bench sim: ok/);
  for (const p of PLANS) t.match(r.stdout, `${p}: ok`);
  const boards = new Set([...r.stdout.matchAll(/ on ([^)]+)\)/g)].flatMap((m) => m[1]!.split(', ')));
  t.same([...boards].sort(), ['argon-1', 'electron-1', 'p2-1', 'photon-1'], 'together they use every board of the bench');
});

t.test('every nightly plan takes the candidate from ${CANDIDATE_DIR}, with a default that exists', async (t) => {
  for (const p of PLANS) {
    const plan = parse(readFileSync(join(ROOT, p), 'utf8')) as { env?: Record<string, string>; firmware: Record<string, unknown> };
    t.equal(plan.firmware.candidate, '${CANDIDATE_DIR}/${platform}.bin', `${p}: the candidate`);
    t.equal(plan.env?.CANDIDATE_DIR, 'candidate', `${p}: the demo candidate by default`);
  }
  for (const platform of ['photon', 'electron', 'argon', 'p2']) t.ok(existsSync(join(NIGHTLY, 'candidate', `${platform}.bin`)), `demo candidate for ${platform}`);
});

interface Step { name?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Workflow {
  on: { schedule?: { cron: string }[]; workflow_dispatch?: { inputs?: Record<string, unknown> } };
  jobs: Record<string, { 'runs-on': string[]; env?: Record<string, string>; steps: Step[] }>;
}

t.test('the workflow: a valid YAML file that runs the nightly on a self-hosted bench runner', async (t) => {
  const text = readFileSync(join(ROOT, '.github', 'workflows', 'nightly.yml'), 'utf8');
  const wf = parse(text) as Workflow;
  t.ok(wf.on.schedule?.[0]?.cron, 'on a schedule');
  t.ok(wf.on.workflow_dispatch?.inputs?.candidate_dir, 'and by hand, with the candidate folder');
  const job = Object.values(wf.jobs)[0]!;
  t.ok(job['runs-on'].includes('self-hosted'), 'on a self-hosted runner');
  t.match(job.env?.RIG_HISTORY, /^\$\{\{ vars\.RIG_HISTORY \|\| '\/var\/lib\//, 'the history outside the workspace');

  const runs = job.steps.filter((s) => s.run !== undefined && NIGHTLY_RUN.test(s.run));
  t.equal(runs.length, 1, 'one step runs the nightly');
  const run = runs[0]!;
  t.ok(existsSync(join(ROOT, 'bin', 'rig.js')), 'bin/rig.js exists');
  const line = run.run!.split('\n').find((l) => NIGHTLY_RUN.test(l))!;
  t.same(unknownRunOptions(line), [], `rig run accepts every option of: ${line.trim()}`);
  t.match(line, /--report-dir "\$REPORT_DIR"/);
  t.match(run.run, /--set "CANDIDATE_DIR=\$CANDIDATE_FOLDER"/, 'the candidate through --set');
  t.same(unknownRunOptions(' --set --bench'), [], 'rig run has the --set and --bench the script adds');
  t.equal(run.env?.PARTICLE_ACCESS_TOKEN, '${{ secrets.PARTICLE_ACCESS_TOKEN }}', 'the token from a secret, in the environment');
  t.notMatch(run.run, /\$\{\{/, 'no expression pasted into the script');

  const junit = job.steps.find((s) => s.uses?.startsWith('dorny/test-reporter@'));
  t.equal(junit?.if, 'always()', 'JUnit published even when the run failed');
  t.equal(junit?.with?.path, '${{ env.REPORT_DIR }}/report.xml');
  t.equal(junit?.with?.reporter, 'java-junit');
  const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
  t.equal(upload?.if, 'always()', 'reports uploaded even when the run failed');
  t.equal(upload?.with?.path, '${{ env.REPORT_DIR }}');
  t.notMatch(text, /\t/, 'no tabs');
});

function unitKeys(file: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of readFileSync(join(ROOT, 'deploy', 'systemd', file), 'utf8').split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) keys.set(m[1]!, [...(keys.get(m[1]!) ?? []), m[2]!]);
  }
  return keys;
}

t.test('the systemd units: a oneshot service running the same command, and a nightly timer', async (t) => {
  const service = unitKeys('rig-nightly.service');
  t.same(service.get('Type'), ['oneshot']);
  t.ok(service.get('User')?.[0], 'a dedicated user');
  t.ok(service.get('WorkingDirectory')?.[0]?.startsWith('/'));
  t.same(service.get('EnvironmentFile'), ['/etc/particle-rig/nightly.env'], 'secrets from a file');
  t.same(service.get('Environment'), ['RIG_HISTORY=/var/lib/particle-rig/history.db']);
  const exec = service.get('ExecStart')?.[0] ?? '';
  t.match(exec, NIGHTLY_RUN);
  t.same(unknownRunOptions(exec), [], `rig run accepts every option of: ${exec}`);
  t.match(exec, /--report-dir "\/var\/lib\/particle-rig\/reports\//);
  const timer = unitKeys('rig-nightly.timer');
  t.ok(timer.get('OnCalendar')?.[0]);
  t.same(timer.get('Persistent'), ['true']);
  t.same(timer.get('Unit'), ['rig-nightly.service']);
});

const systemdAnalyze = await promisify(execFile)('systemd-analyze', ['--version']).then(() => true, () => false);

t.test('systemd-analyze verify finds nothing to say about the units', { skip: systemdAnalyze ? false : 'systemd-analyze is not installed here' }, async (t) => {
  const dir = join(ROOT, 'deploy', 'systemd');
  const r = await promisify(execFile)('systemd-analyze', ['verify', './rig-nightly.service', './rig-nightly.timer'], { cwd: dir }).then(
    (o) => ({ code: 0, stderr: o.stderr }),
    (e: { code?: number; stderr?: string }) => ({ code: e.code ?? 1, stderr: e.stderr ?? '' }),
  );
  t.equal(r.code, 0);
  t.equal(r.stderr, '', 'no warning');
});
