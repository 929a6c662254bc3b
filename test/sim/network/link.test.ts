import t from 'tap';
import { defaultLink, NetworkLink } from '../../../src/sim/network/link.js';

t.test('defaults follow the radio', async (t) => {
  t.match(defaultLink('wifi'), { kind: 'wifi', up: true, loss: 0 });
  t.match(defaultLink('mesh'), { kind: 'wifi' }, 'a mesh board reaches the cloud like a Wi-Fi one');
  const cell = defaultLink('cellular');
  t.equal(cell.kind, 'cellular');
  t.ok(cell.bandwidth < defaultLink('wifi').bandwidth, 'cellular is slower');
  t.ok(cell.latencyMs > defaultLink('wifi').latencyMs, 'and has more latency');
});

t.test('loss is drawn from a PRNG seeded by the device ID: the same run replays', async (t) => {
  const draw = (seed: string) => {
    const link = new NetworkLink({ ...defaultLink('wifi'), loss: 0.3 }, seed);
    return Array.from({ length: 200 }, () => link.delivers());
  };
  const a = draw('0123456789abcdef01234567');
  t.same(draw('0123456789abcdef01234567'), a, 'same seed, same losses');
  t.notSame(draw('ffffffffffffffffffffffff'), a, 'another board loses other chunks');
  const lost = a.filter((d) => !d).length;
  t.ok(lost > 30 && lost < 90, `about 30% of 200 lost (${lost})`);
});

t.test('a link that is down or loses everything delivers nothing', async (t) => {
  const link = new NetworkLink(defaultLink('wifi'), 'x');
  t.ok(link.delivers());
  link.set({ up: false });
  t.notOk(link.delivers());
  link.set({ up: true, loss: 1 });
  t.notOk(link.delivers());
});

t.test('transfer time follows bandwidth', async (t) => {
  const link = new NetworkLink({ ...defaultLink('cellular'), bandwidth: 1000 }, 'x');
  t.equal(link.transferMs(512), 512);
  link.set({ bandwidth: 512_000 });
  t.equal(link.transferMs(512), 1);
});

t.test('bad values are refused with the value quoted', async (t) => {
  const link = new NetworkLink(defaultLink('wifi'), 'x');
  t.throws(() => link.set({ bandwidth: 0 }), /bandwidth to be a positive number of bytes\/s`, got 0/);
  t.throws(() => link.set({ loss: -0.1 }), /loss to be a probability between 0 and 1`, got -0.1/);
  t.throws(() => link.set({ kind: 'lora' as 'wifi' }), /kind to be wifi or cellular`, got "lora"/);
  t.throws(() => new NetworkLink({ ...defaultLink('wifi'), latencyMs: -1 }, 'x'), /latencyMs/);
});
