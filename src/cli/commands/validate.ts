// `rig validate`: plans, the bench and every firmware each plan would send
// to each board it selects, checked without touching a board.
import { loadBench } from '../../bench/loader.js';
import { benchFileFor } from '../../bench/default.js';
import { checkBenchSecrets } from '../../bench/secrets.js';
import { ExitCode, InputError } from '../../core/errors.js';
import { unusedSetVariables } from '../../plan/checks.js';
import { loadPlan, type LoadedPlan } from '../../plan/loader.js';
import { expandPlanArgs } from '../../plan/plan-files.js';
import { selectBoards } from '../../plan/select.js';
import { firmwareForBoard, expectedModules } from '../../runner/firmware-for-board.js';
import { problemsOf } from '../../yaml/input-errors.js';
import { parseSetOptions } from '../set-option.js';

async function validatePlan(file: string, bench: Awaited<ReturnType<typeof loadBench>>, variables: Record<string, string>): Promise<{ line: string; loaded: LoadedPlan }> {
  const loaded = await loadPlan(file, { variables });
  const boards = selectBoards(loaded, bench.bench);
  const problems: InputError[] = [];
  const expected = expectedModules(loaded);
  for (const board of boards) {
    for (const name of Object.keys(loaded.plan.firmware)) {
      try {
        firmwareForBoard(loaded, name, board, expected.get(name));
      } catch (err) {
        if (err instanceof InputError) problems.push(err);
        else throw err;
      }
    }
  }
  // The same bad file shows once, not once per board.
  const lines = [...new Set(problems.map((p) => p.format()))];
  if (lines.length) throw new InputError(lines.join('\n'));
  const steps = loaded.plan.steps.length;
  return { line: `${file}: ok (${steps} step${steps === 1 ? '' : 's'} on ${boards.map((b) => b.name).join(', ')})`, loaded };
}

export async function validateCommand(plans: string[], opts: { bench?: string; set?: string[] }): Promise<number> {
  const variables = parseSetOptions(opts.set);
  const benchFile = benchFileFor(opts.bench);
  const bench = await loadBench(benchFile.file);
  await checkBenchSecrets(bench.bench);
  process.stdout.write(`bench ${bench.bench.name}: ok (${bench.file}; ${benchFile.reason})\n`);
  let failed = false;
  const loaded: LoadedPlan[] = [];
  for (const file of expandPlanArgs(plans)) {
    try {
      const ok = await validatePlan(file, bench, variables);
      loaded.push(ok.loaded);
      process.stdout.write(`${ok.line}\n`);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      failed = true;
      for (const p of problemsOf(err)) process.stderr.write(`${p.format()}\n`);
    }
  }
  // Which --set a plan uses is known only once every plan loaded.
  const unused = failed ? [] : unusedSetVariables(loaded.map((l) => l.plan), variables);
  for (const p of unused) process.stderr.write(`${p.format()}\n`);
  return failed || unused.length ? ExitCode.badInput : ExitCode.ok;
}
