// What `rig run` and `rig validate` are given as plans: files, folders (every
// .yaml/.yml under them, in path order) and globs (quoted so the rig expands
// them, the same on every shell). The result is each plan file once, in the
// order given; a folder or glob with no plan in it is bad input, never a run
// that quietly tests nothing.
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { InputError } from '../core/errors.js';

const PLAN_FILE = /\.ya?ml$/i;

function sorted(files: string[]): string[] {
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function planFilesUnder(dir: string): string[] {
  return sorted(globSync(['**/*.yaml', '**/*.yml'], { cwd: dir, absolute: true, dot: false }));
}

/** The plan files `args` name, each once, in order; relative paths stay relative to `cwd` as given. */
export function expandPlanArgs(args: readonly string[], cwd: string = process.cwd()): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (abs: string, as: string) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    files.push(as);
  };
  const shown = (abs: string) => {
    const rel = relative(cwd, abs);
    return rel.startsWith('..') ? abs : rel;
  };
  for (const arg of args) {
    if (isDynamicPattern(arg)) {
      const found = sorted(globSync(arg, { cwd, absolute: true, dot: false })).filter((f) => PLAN_FILE.test(f));
      if (!found.length) throw new InputError(`${arg}: no plan file (.yaml, .yml) matches this pattern`, undefined, 'check the pattern, or name the plan files');
      for (const f of found) add(f, shown(f));
      continue;
    }
    const abs = resolve(cwd, arg);
    let folder = false;
    try {
      folder = statSync(abs).isDirectory();
    } catch {
      // not there: the plan loader says so, at its path
    }
    if (!folder) {
      add(abs, arg);
      continue;
    }
    const found = planFilesUnder(abs);
    if (!found.length) throw new InputError(`${arg}: a folder with no plan file (.yaml, .yml) in it`, undefined, 'name a folder of plans, or the plan files');
    for (const f of found) add(f, shown(f));
  }
  return files;
}
