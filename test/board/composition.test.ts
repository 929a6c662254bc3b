// The board is composed, not inherited: each part of src/board owns one
// concept and is given what it needs, so no class there extends another
// (implementing an interface is fine). A chain of layers is what issue 9
// asked to be rid of; this keeps it from coming back.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../src/board/', import.meta.url));

t.test('no class in src/board extends another, and none is abstract', async (t) => {
  const found: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    readFileSync(`${dir}${file}`, 'utf8').split('\n').forEach((line, i) => {
      if (/\bclass\s+\w+(<[^>]*>)?\s+extends\b|\babstract\s+class\b/.test(line)) found.push(`src/board/${file}:${i + 1}: ${line.trim()}`);
    });
  }
  t.same(found, []);
});
