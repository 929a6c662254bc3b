// Reads tap's output and prints the closing line CI looks for: "N passed, N failed".
// Counts the tests inside each file (the t.test blocks, one level down); a file
// that failed without a failing test inside (a crash, a timeout) counts once.
import { readFileSync } from 'node:fs';

const [log, rcText] = process.argv.slice(2);
const lines = readFileSync(log, 'utf8').split('\n');
const point = (indent) => new RegExp(`^${' '.repeat(indent)}(not )?ok \\d+ - `);
const isFail = (l) => l.trimStart().startsWith('not ok') && !/# (SKIP|TODO)/i.test(l);

let passed = 0;
let failed = 0;
let fileFailures = 0;
for (const l of lines) {
  if (point(4).test(l)) isFail(l) ? failed++ : passed++;
  else if (point(0).test(l) && isFail(l)) fileFailures++;
}
failed = Math.max(failed, fileFailures);
const rc = Number(rcText ?? 0);
if (rc !== 0 && failed === 0) failed = 1; // npm test failed without a failing test point
console.log(`${passed} passed, ${failed} failed`);
process.exit(rc === 0 && failed === 0 ? 0 : 1);
