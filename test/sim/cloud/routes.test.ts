import t from 'tap';
import { parseRoute } from '../../../src/sim/cloud/routes.js';

t.test('parseRoute names the resource a path asks for', async (t) => {
  t.test('device list and one device, by ID or name', async (t) => {
    t.same(parseRoute('/v1/devices'), { kind: 'device-list', product: undefined });
    t.same(parseRoute('/v1/devices/'), { kind: 'device-list', product: undefined });
    t.same(parseRoute('/v1/devices/3a002c000847343337373738'), {
      kind: 'device', device: '3a002c000847343337373738', product: undefined,
    });
    t.same(parseRoute('/v1/devices/photon-1'), { kind: 'device', device: 'photon-1', product: undefined });
  });

  t.test('event streams with and without a device and a prefix', async (t) => {
    t.same(parseRoute('/v1/events'), { kind: 'events', device: undefined, prefix: undefined, product: undefined });
    t.same(parseRoute('/v1/devices/events'), { kind: 'events', device: undefined, prefix: undefined, product: undefined });
    t.same(parseRoute('/v1/devices/events/spark'), { kind: 'events', device: undefined, prefix: 'spark', product: undefined });
    t.same(parseRoute('/v1/devices/abc/events/spark/flash'), {
      kind: 'events', device: 'abc', prefix: 'spark/flash', product: undefined,
    });
  });

  t.test('an encoded slash in a prefix (particle-api-js encodes the name) is the same prefix', async (t) => {
    t.same(parseRoute('/v1/devices/abc/events/spark%2Fflash%2Fstatus'), parseRoute('/v1/devices/abc/events/spark/flash/status'));
    t.equal((parseRoute('/v1/events/spark%2Fstatus') as { prefix?: string }).prefix, 'spark/status');
  });

  t.test('product paths name the same resources with the product', async (t) => {
    t.same(parseRoute('/v1/products/1337/devices'), { kind: 'device-list', product: '1337' });
    t.same(parseRoute('/v1/products/my-product/devices/abc'), { kind: 'device', device: 'abc', product: 'my-product' });
    t.same(parseRoute('/v1/products/1337/events/spark'), { kind: 'events', device: undefined, prefix: 'spark', product: '1337' });
    t.same(parseRoute('/v1/products/1337/devices/abc/events'), { kind: 'events', device: 'abc', prefix: undefined, product: '1337' });
  });

  t.test('a device\'s cloud function, also in a product', async (t) => {
    t.same(parseRoute('/v1/devices/abc/led'), { kind: 'function', device: 'abc', name: 'led', product: undefined });
    t.same(parseRoute('/v1/products/1337/devices/abc/allowUpdate'), { kind: 'function', device: 'abc', name: 'allowUpdate', product: '1337' });
  });

  t.test('paths the local cloud does not serve', async (t) => {
    for (const p of ['/', '/v2/devices', '/v1/users', '/v1/devices/abc/led/on', '/v1/products', '/v1/devices/%E0%A4%A']) {
      t.equal(parseRoute(p), undefined, p);
    }
  });
});
