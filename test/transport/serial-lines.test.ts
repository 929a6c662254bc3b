// Splitting serial bytes into lines for the log capture and rendering
// trace.log: pure byte handling, fed the way a port delivers data (any
// chunking), including bytes that are not UTF-8.
import t from 'tap';
import { LineAssembler } from '../../src/transport/serial/line-assembler.js';
import { parseSystemInfo } from '../../src/core/module-listing.js';

const ISO = (at: number): string => new Date(at).toISOString();

function feedAll(chunks: Array<[Buffer | string, number]>): { lines: Array<{ at: number; text: string }>; trace: Buffer } {
  const a = new LineAssembler();
  const lines: Array<{ at: number; text: string }> = [];
  const trace: Buffer[] = [];
  for (const [chunk, at] of [...chunks.map(([c, at]) => [typeof c === 'string' ? Buffer.from(c, 'latin1') : c, at] as const)]) {
    const r = a.feed(chunk, at);
    lines.push(...r.lines);
    trace.push(...r.trace);
  }
  const end = a.flush();
  return { lines: [...lines, ...end.lines], trace: Buffer.concat([...trace, ...end.trace]) };
}

t.test('a line is stamped with the arrival of its first byte, not its last', async (t) => {
  const r = feedAll([['0000000100 [app] INFO: he', 1000], ['llo\r\n00000', 2000], ['00200 [app] INFO: two\r\n', 3000]]);
  t.same(r.lines, [{ at: 1000, text: '0000000100 [app] INFO: hello' }, { at: 2000, text: '0000000200 [app] INFO: two' }]);
  t.equal(r.trace.toString('latin1'), `${ISO(1000)} 0000000100 [app] INFO: hello\n${ISO(2000)} 0000000200 [app] INFO: two\n`);
});

t.test('CRLF split across chunks is still one ending; other CRs are kept', async (t) => {
  const r = feedAll([['a\r', 1], ['\nb\rc\r', 2], ['d\n', 3]]);
  t.same(r.lines.map((l) => l.text), ['a', 'b\rc\rd']);
  t.equal(r.trace.toString('latin1'), `${ISO(1)} a\n${ISO(2)} b\rc\rd\n`);
});

t.test('whatever the chunking, the same lines and the same trace', async (t) => {
  const text = '0000000001 [comm] TRACE: x\r\n   729.541 AT send      35 "AT+USOST=0"\r\n\r\nlast\r\n';
  const whole = feedAll([[text, 5]]);
  for (const size of [1, 2, 3, 7]) {
    const chunks: Array<[string, number]> = [];
    for (let i = 0; i < text.length; i += size) chunks.push([text.slice(i, i + size), 5]);
    t.same(feedAll(chunks), whole, `chunks of ${size}`);
  }
  t.same(whole.lines.map((l) => l.text), ['0000000001 [comm] TRACE: x', '   729.541 AT send      35 "AT+USOST=0"', '', 'last'], 'modem traces and empty lines are lines too');
});

t.test('bytes that are not UTF-8: U+FFFD in the line, raw in the trace', async (t) => {
  const raw = Buffer.from([0x41, 0xff, 0xfe, 0x42, 0x0d, 0x0a]);
  const r = feedAll([[raw, 9]]);
  t.equal(r.lines[0]?.text, 'A\ufffd\ufffdB');
  t.same(r.trace, Buffer.concat([Buffer.from(`${ISO(9)} `), Buffer.from([0x41, 0xff, 0xfe, 0x42, 0x0a])]));
});

t.test('flush ends a partial line (the port went away or the capture closes)', async (t) => {
  const a = new LineAssembler();
  t.same(a.feed(Buffer.from('0000000100 [app] INFO: cut'), 7).lines, []);
  const end = a.flush();
  t.same(end.lines, [{ at: 7, text: '0000000100 [app] INFO: cut' }]);
  t.equal(Buffer.concat(end.trace).toString(), '\n');
  t.same(a.flush(), { lines: [], trace: [] }, 'nothing more to flush');
  t.same(a.feed(Buffer.from('next\n'), 8).lines, [{ at: 8, text: 'next' }], 'the next bytes start a new line');
});

t.test('module JSON from `s`', async (t) => {
  const json = JSON.stringify({
    p: 6,
    m: [
      { s: 16384, l: 'm', vc: 30, vv: 30, f: 'b', n: '0', v: 502, d: [] },
      { s: 262144, l: 'm', vc: 30, vv: 30, f: 's', n: '1', v: 1104, d: [] },
      { s: 131072, l: 'm', vc: 30, vv: 26, u: 'C0298DBE'.padEnd(64, 'A'), f: 'u', n: '1', v: 6, d: [{ f: 's', n: '2', v: 1406 }] },
      { s: 131072, l: 'f', vc: 0, vv: 0, d: [] },
    ],
  });
  const info = parseSystemInfo(json);
  t.equal(info?.platformId, 6);
  t.equal(info?.modules.length, 3, 'the empty factory slot is left out');
  t.match(info?.modules[1], { func: 'system-part', index: 1, version: 1104, location: 'main', maxSize: 262144 });
  t.same(info?.modules[2], {
    func: 'user-part', index: 1, version: 6, location: 'main', maxSize: 131072,
    hash: 'c0298dbe'.padEnd(64, 'a'),
    checks: { integrity: true, dependencies: false, range: true, platform: true },
    dependencies: [{ func: 'system-part', index: 2, version: 1406 }],
  }, 'vc 30 / vv 26: the dependency check failed; the hash is kept lower-case');
  t.equal(parseSystemInfo('{"p":6}'), undefined, 'not a module list');
  t.equal(parseSystemInfo('{"p":6,"m":[{"f":"u'), undefined, 'cut short');
});
