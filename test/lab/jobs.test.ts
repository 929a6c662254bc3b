// What a job sends back: each capture gzipped and cut at the cap, saying
// how large it was; what the agent checks a carried firmware against.
import t from 'tap';
import { createHash } from 'node:crypto';
import { ARTIFACT_CAP_BYTES, carry, packArtifact, unpackArtifact } from '../../src/lab/jobs.js';

t.test('a capture under the cap travels whole, gzipped', async (t) => {
  const trace = Buffer.from('2026-12-03T10:00:00.000Z 1200 [app] INFO: hello\n'.repeat(2000));
  const packed = packArtifact('trace.log', trace);
  t.equal(packed.bytes, trace.length);
  t.equal(packed.cutFrom, undefined, 'not cut');
  t.ok(Buffer.from(packed.gzip, 'base64').length < trace.length / 10, 'compressed');
  t.same(unpackArtifact(packed), trace, 'the same bytes back');
});

t.test('a capture over the cap keeps its first part and says how large it was', async (t) => {
  const big = Buffer.alloc(1000, 'x');
  const packed = packArtifact('events.ndjson', big, 300);
  t.equal(packed.bytes, 300);
  t.equal(packed.cutFrom, 1000);
  t.same(unpackArtifact(packed), big.subarray(0, 300));
  t.ok(ARTIFACT_CAP_BYTES >= 1024 * 1024, 'the default cap holds a long trace');
});

t.test('a carried firmware names its SHA-256 and its bytes', async (t) => {
  const image = Buffer.from([1, 2, 3, 4]);
  const c = carry('app', 'firmware/app.bin', image);
  t.equal(c.sha256, createHash('sha256').update(image).digest('hex'));
  t.same(Buffer.from(c.content, 'base64'), image);
});
