// Located YAML: positions survive parsing, and every way a file can be
// unreadable becomes an InputError at file:line:column.
import t from 'tap';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { loadLocatedYaml, parseLocatedYaml } from '../../src/yaml/located.js';
import { InputErrors } from '../../src/yaml/input-errors.js';

const formatOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err.format();
    throw err;
  }
  return 'no error';
};

t.test('placeAt points at values, keys, and the parent of a missing key', async (t) => {
  const text = 'plan: p\nsteps:\n  - flash: app\n    via: ota\n  - { wait: 5s }\n';
  const { places, value } = parseLocatedYaml(text, 'p.yaml', 'plan');
  t.same(value, { plan: 'p', steps: [{ flash: 'app', via: 'ota' }, { wait: '5s' }] });
  t.same(places.placeAt(['steps', 0, 'via']), { file: 'p.yaml', line: 4, column: 10 }, 'a value');
  t.same(places.placeAt(['steps', 0, 'via'], 'key'), { file: 'p.yaml', line: 4, column: 5 }, 'a key');
  t.same(places.placeAt(['steps', 1, 'wait']), { file: 'p.yaml', line: 5, column: 13 }, 'inside a flow map');
  t.same(places.placeAt(['steps', 1, 'timeout']), { file: 'p.yaml', line: 5, column: 5 }, 'a missing key: its map');
  t.same(places.placeAt(['steps', 7]), { file: 'p.yaml', line: 3, column: 3 }, 'a missing item: its list');
  t.same(places.placeAt([]), { file: 'p.yaml', line: 1, column: 1 }, 'the document');
});

t.test('aliases are followed', async (t) => {
  const { places, value } = parseLocatedYaml('a: &x { b: 1 }\nc: *x\n', 'a.yaml', 'plan');
  t.same(value, { a: { b: 1 }, c: { b: 1 } });
  t.same(places.placeAt(['c', 'b']), { file: 'a.yaml', line: 1, column: 12 }, 'the anchored node');
});

t.test('sourceAt gives a scalar as written', async (t) => {
  const { places, value } = parseLocatedYaml('id: 000000000000000000000012\n', 'b.yaml', 'bench');
  t.equal((value as { id: unknown }).id, 12, 'YAML reads it as a number');
  t.equal(places.sourceAt(['id']), '000000000000000000000012');
  t.equal(places.sourceAt(['nope']), undefined);
});

t.test('syntax problems are located InputErrors', async (t) => {
  t.equal(formatOf(() => parseLocatedYaml('a: 1\nb: 2\na: 3\n', 'x.yaml', 'plan')),
    "x.yaml:3:1: duplicate key 'a' (each key may appear once in a map; remove or rename one)");
  t.equal(formatOf(() => parseLocatedYaml('a:\n  "quoted key": 1\n  "quoted key": 2\n', 'x.yaml', 'plan')),
    "x.yaml:3:3: duplicate key 'quoted key' (each key may appear once in a map; remove or rename one)", 'quoted keys');
  t.equal(formatOf(() => parseLocatedYaml('a: 1\n---\nb: 2\n', 'x.yaml', 'plan')),
    'x.yaml:2:1: YAML syntax error: more than one YAML document in the file (keep one document per file, without a second ---)');
  t.equal(formatOf(() => parseLocatedYaml('a:\n\t- b\n', 'x.yaml', 'plan')).split(':').slice(0, 3).join(':'), 'x.yaml:2:1', 'a tab indent');
});

t.test('several syntax errors come together', async (t) => {
  let caught: unknown;
  try {
    parseLocatedYaml('a: 1\na: 2\nb: 1\nb: 2\n', 'x.yaml', 'plan');
  } catch (err) {
    caught = err;
  }
  t.type(caught, InputErrors);
  t.equal((caught as InputErrors).format(), [
    "x.yaml:2:1: duplicate key 'a' (each key may appear once in a map; remove or rename one)",
    "x.yaml:4:1: duplicate key 'b' (each key may appear once in a map; remove or rename one)",
  ].join('\n'));
});

t.test('empty and comment-only files are empty', async (t) => {
  for (const text of ['', '\n\n', '# nothing here\n']) {
    t.equal(formatOf(() => parseLocatedYaml(text, 'e.yaml', 'bench')),
      'e.yaml:1:1: bench file is empty (start with the bench key, e.g. `bench: my-bench`)', JSON.stringify(text));
  }
});

t.test('files that cannot be read', async (t) => {
  const dir = t.testdir({ folder: {} });
  await t.rejects(loadLocatedYaml(join(dir, 'missing.yaml'), 'plan'), { message: 'plan file not found', place: { file: join(dir, 'missing.yaml') } });
  await t.rejects(loadLocatedYaml(join(dir, 'folder'), 'plan'), { message: 'plan file is a folder, not a file', fix: 'name a .yaml file' });
});
