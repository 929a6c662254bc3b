// POST /v1/devices/:id/:function on the local cloud, through particle-api-js
// callFunction as the rig calls it: the reply of api.particle.io with the
// device's return value; a function the app did not register and a device
// without a cloud session refused; the device's functions listed.
import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { onlineBoard, whenOnline } from './fixtures/boards.js';
import { startCloud } from './fixtures/cloud.js';

const ID = 'e00fce68a1b2c3d4e5f60718';

interface ApiFailure {
  statusCode: number;
  body: { ok?: boolean; error?: string; connected?: boolean };
}

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: ApiFailure) => e);

t.test('a test app that disables updates until allowUpdate() is called', async (t) => {
  const app = makeTestApp({ platform: 'argon', behaviour: { disablesUpdates: true, updateFunction: 'allowUpdate' } });
  const board = await onlineBoard(t, { name: 'argon-1', id: ID, platform: 'argon', app });
  const { api, token } = await startCloud(t, { boards: [board] });

  t.test('GET /v1/devices/:id lists the function the app registered', async (t) => {
    const device = await api.getDevice({ deviceId: ID, auth: token });
    t.same((device.body as { functions: string[] }).functions, ['allowUpdate']);
  });

  t.test('an unknown function: 404, and the board is not touched', async (t) => {
    const err = await failure(api.callFunction({ deviceId: ID, name: 'allowUpdat', argument: '', auth: token }));
    t.equal(err?.statusCode, 404);
    t.match(err?.body, { ok: false, error: 'Function allowUpdat not found' });
    t.equal(board.fs.appFlags.size, 0);
  });

  t.test('the function answers with its return value, then the app resets the board', async (t) => {
    const reply = await api.callFunction({ deviceId: ID, name: 'allowUpdate', argument: 'now', auth: token });
    t.equal(reply.statusCode, 200);
    t.same(reply.body, { id: ID, name: 'argon-1', connected: true, return_value: 1 });
    await new Promise<void>((resolve) => board.once('cloudConnection', (online) => !online && resolve()));
    await whenOnline(board);
    t.equal(board.resetReason, 'user', 'System.reset()');
  });

  t.test('a device without a cloud session: 404 with connected: false', async (t) => {
    board.enterMode('listening');
    t.teardown(() => board.enterMode('normal'));
    const err = await failure(api.callFunction({ deviceId: ID, name: 'allowUpdate', argument: '', auth: token }));
    t.equal(err?.statusCode, 404);
    t.match(err?.body, { ok: false, connected: false, error: 'Device is not connected' });
  });

  t.test('only POST reaches a function', async (t) => {
    const res = await fetch(`${api.baseUrl}/v1/devices/${ID}/allowUpdate`, { headers: { Authorization: `Bearer ${token}` } });
    t.equal(res.status, 405);
    t.equal(res.headers.get('allow'), 'POST');
  });
});
