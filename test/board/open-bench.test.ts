// Opening a bench's boards (openBoards) and looking at what is on its USB
// bus (discoverBoards), on the simulated bench.
import t from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchSchema } from '../../src/bench/schema.js';
import { discoverBoards, openBoards } from '../../src/board/open-bench.js';
import { InfraError, InputError } from '../../src/core/errors.js';
import { ARGON, PHOTON, TOKEN, startBoardBench } from './fixtures/sim-bench.js';

t.test('openBoards gives a Board per device ID, with its captures in its folder', async (t) => {
  const bench = await startBoardBench(t);
  t.same([...bench.boards.keys()], [PHOTON, ARGON]);
  const photon = bench.board('photon-1');
  t.equal(photon.id, PHOTON);
  t.equal(photon.platform.name, 'photon');
  t.equal(photon.log.file, join(bench.artifacts, 'photon-1', 'trace.log'));
  t.equal(photon.events?.file, join(bench.artifacts, 'photon-1', 'events.ndjson'));

  const fromSeq = photon.log.lines().length;
  await bench.board('photon-1').reset('soft');
  // The app's own lines: boot lines printed before the host reopened the port are discarded by the board.
  const line = await photon.log.waitFor(/\[app\] INFO/, { fromSeq, withinMs: 5000 });
  t.ok(line, 'what the board prints after the reset is in the log capture');
  const online = await photon.events?.waitFor('spark/status', { data: /^online$/, withinMs: 5000 });
  t.ok(online, 'and the cloud event in the event capture');
  await photon.close();
  await photon.close();
  t.ok(readFileSync(photon.log.file, 'utf8').includes(line?.text ?? '-'), 'trace.log kept it');
  t.notOk(readFileSync(photon.events!.file, 'utf8').includes(TOKEN));
});

t.test('one board that cannot be opened does not keep the others from opening', async (t) => {
  const bench = await startBoardBench(t);
  const wrong = BenchSchema.parse({ bench: 'x', boards: [
    { name: 'photon-1', platform: 'argon', id: PHOTON },
    { name: 'argon-1', platform: 'argon', id: ARGON },
  ] }).boards;
  const dir = t.testdir({});
  const opened = await openBoards(bench.access, wrong, { artifactsDir: (b) => join(dir, b.name) });
  const photon = opened.get(PHOTON);
  t.type(photon, InputError, 'a bench entry with the wrong platform is the bench file\'s error');
  t.match((photon as InputError).message, /photon-1 \(3a002c000847343337373738\): the bench file says platform argon, USB shows platform photon/);
  const argon = opened.get(ARGON);
  t.notOk(argon instanceof Error, 'the other board opened');
  if (argon && !(argon instanceof Error)) await argon.close();
  t.notOk(existsSync(join(dir, 'photon-1', 'trace.log')), 'nothing was started for the wrong one');
});

t.test('a cloud that cannot be reached: every board gets the InfraError', async (t) => {
  const bench = await startBoardBench(t, { without: ['cloud'] });
  const access = { ...bench.access, cloud: { api: 'http://127.0.0.1:9', token: TOKEN } };
  const dir = t.testdir({});
  const boardsOf = BenchSchema.parse({ bench: 'x', boards: [{ name: 'photon-1', platform: 'photon', id: PHOTON }] }).boards;
  const opened = await openBoards(access, boardsOf, { artifactsDir: (b) => join(dir, b.name) });
  const photon = opened.get(PHOTON);
  t.type(photon, InfraError);
  t.match((photon as InfraError).message, /cloud at http:\/\/127\.0\.0\.1:9 cannot be reached/);
  t.notOk((photon as InfraError).format().includes(TOKEN));
});

t.test('discoverBoards: what is on the bus, with its mode', async (t) => {
  const bench = await startBoardBench(t);
  await bench.board('argon-1').enterMode('dfu');
  await bench.board('photon-1').enterMode('listening');
  const found = await discoverBoards(bench.access);
  t.same(found.map((b) => [b.id, b.platform, b.mode]), [[PHOTON, 'photon', 'listening'], [ARGON, 'argon', 'dfu']]);
  t.match(found[0]?.usbPort, /^\d+-\d+/);
  await bench.board('photon-1').enterMode('normal');
});
