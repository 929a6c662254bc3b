// The layering as a test: every relative import under src/ is resolved and
// checked against the one rule per layer written in docs/design.md. A file
// that reaches upwards (a transport importing the board layer, the simulator
// importing the runner, steps importing a transport) fails here, naming the
// file, the line and the import.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const src = join(root, 'src');

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (entry.endsWith('.ts')) out.push(path);
  }
  return out;
}

interface Import {
  from: string; // src-relative file
  line: number;
  target: string; // src-relative file
}

function importsOf(file: string): Import[] {
  const out: Import[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts');
      out.push({ from: relative(src, file), line: i + 1, target: relative(src, target) });
    }
  });
  return out;
}

/** The top folder under src/ a file belongs to ('' for a file at src/ itself). */
const layerOf = (srcRelative: string): string => (srcRelative.includes('/') ? srcRelative.split('/')[0]! : '');

// Which layers each layer may import (besides itself). core is below everything.
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  yaml: ['core'],
  firmware: ['core', 'yaml'],
  plan: ['core', 'yaml', 'firmware'],
  bench: ['core', 'yaml', 'plan'],
  'json-schema': ['core', 'plan', 'bench'],
  // Wire protocols both ends speak: the rig's transports and the simulator's servers.
  protocol: ['core'],
  transport: ['core', 'protocol'],
  board: ['core', 'transport', 'bench', 'firmware'],
  steps: ['core', 'plan', 'firmware', 'board'],
  report: ['core', 'plan', 'steps'],
  // The run's history: one SQLite file; records what the report says and compares runs.
  history: ['core', 'report'],
  runner: ['core', 'plan', 'bench', 'firmware', 'board', 'steps', 'report', 'transport', 'history'],
  // The lab of bench hosts: its Redis registry and job queues beside the runner, whose bench sessions, health checks, jobs and report writing it uses.
  lab: ['core', 'bench', 'plan', 'runner', 'report'],
  // The CLI parses and prints; a run is the runner's. boards and inspect look at boards directly.
  cli: ['core', 'yaml', 'plan', 'bench', 'firmware', 'board', 'runner', 'report', 'sim', 'history', 'lab'],
  // The simulator is a world of its own, reached only through ports, sockets and HTTP; it
  // shares the vocabulary, the wire protocols, the firmware format and the bench file.
  sim: ['core', 'protocol', 'firmware', 'bench', 'yaml'],
};

const files = walk(src);
const imports = files.flatMap(importsOf);

t.test('every layer imports only the layers below it', async (t) => {
  const wrong = imports.filter((i) => {
    const from = layerOf(i.from);
    const to = layerOf(i.target);
    if (from === to) return false;
    const allowed = MAY_IMPORT[from];
    return !allowed || !allowed.includes(to);
  });
  t.same(wrong.map((i) => `src/${i.from}:${i.line} imports src/${i.target}`), [], 'no import reaches past its layer');
  const unknown = [...new Set(files.map((f) => layerOf(relative(src, f))))].filter((l) => !(l in MAY_IMPORT));
  t.same(unknown, [], 'every folder under src/ has a rule (add one here and in docs/design.md)');
});

t.test('no transport or simulator file imports the board layer, the steps, the runner or the CLI', async (t) => {
  const upward = imports.filter((i) => ['transport', 'sim'].includes(layerOf(i.from)) && ['board', 'steps', 'runner', 'cli'].includes(layerOf(i.target)));
  t.same(upward.map((i) => `src/${i.from}:${i.line} imports src/${i.target}`), []);
});

t.test('steps reach boards only through the Board contract, never a transport', async (t) => {
  const direct = imports.filter((i) => layerOf(i.from) === 'steps' && layerOf(i.target) === 'transport');
  t.same(direct.map((i) => `src/${i.from}:${i.line} imports src/${i.target}`), []);
});

t.test('every import resolves to a file that exists', async (t) => {
  const missing = imports.filter((i) => !files.includes(join(src, i.target)));
  t.same(missing.map((i) => `src/${i.from}:${i.line} imports src/${i.target}`), []);
});
