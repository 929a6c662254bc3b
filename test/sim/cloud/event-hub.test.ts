import t from 'tap';
import type { DeviceId } from '../../../src/core/domain.js';
import { EventHub, type StreamEvent } from '../../../src/sim/cloud/event-hub.js';
import { formatEvent } from '../../../src/sim/cloud/events.js';

const A = 'aaaaaaaaaaaaaaaaaaaaaaaa' as DeviceId;
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb' as DeviceId;
const ev = (name: string, coreid = A): StreamEvent => ({ name, data: 'd', ttl: 60, published_at: '2024-01-01T00:00:00.000Z', coreid });

t.test('the hub delivers by prefix and device, and survives a failing subscriber', async (t) => {
  const hub = new EventHub();
  const got: string[] = [];
  const offBroken = hub.subscribe({}, () => {
    throw new Error('a broken stream');
  });
  const off = hub.subscribe({ prefix: 'spark/', deviceId: B }, (e) => got.push(`${e.coreid.slice(0, 1)}:${e.name}`));
  hub.publish(ev('spark/status', A));
  hub.publish(ev('spark/status', B));
  hub.publish(ev('app/spark/x', B));
  t.same(got, ['b:spark/status'], 'only events of B whose names start with the prefix');
  t.equal(hub.subscriberCount, 2);
  off();
  offBroken();
  hub.publish(ev('spark/status', B));
  t.equal(got.length, 1, 'nothing after unsubscribing');
  t.equal(hub.subscriberCount, 0);
});

t.test('formatEvent writes one SSE frame, and a line break cannot split a name', async (t) => {
  t.equal(
    formatEvent(ev('spark/status')),
    'event: spark/status\ndata: {"data":"d","ttl":60,"published_at":"2024-01-01T00:00:00.000Z","coreid":"aaaaaaaaaaaaaaaaaaaaaaaa"}\n\n',
  );
  t.match(formatEvent(ev('evil\r\ndata: x')), /^event: evil  data: x\ndata: /);
  t.match(formatEvent({ ...ev('n'), data: 'two\nlines' }), /\ndata: \{"data":"two\\nlines"/, 'data lines stay JSON-escaped');
});
