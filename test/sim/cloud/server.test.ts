import t from 'tap';
import { createCloudServer } from '../../../src/sim/cloud/server.js';
import { makeBoard } from './fixtures/boards.js';

t.test('the server binds 127.0.0.1 on a free port and hands out its URL', async (t) => {
  const cloud = await createCloudServer({ tokens: ['t0ken'] });
  t.teardown(() => cloud.close());
  t.match(cloud.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.equal(cloud.token, 't0ken', 'the first given token is the one handed out');
});

t.test('a port already taken is an error, and the boards are let go', async (t) => {
  const first = await createCloudServer({});
  t.teardown(() => first.close());
  const board = makeBoard(t, { name: 'p', id: 'cccccccccccccccccccccccc', platform: 'photon' });
  const port = Number(new URL(first.url).port);
  await t.rejects(createCloudServer({ boards: [board], port }), { code: 'EADDRINUSE' });
  t.equal(board.listenerCount('cloudEvent'), 0, 'no listener left on the board');
});

t.test('options are checked where they are used', async (t) => {
  await t.rejects(createCloudServer({ maxBodyBytes: -1 }), /maxBodyBytes to be a positive integer, got -1/);
  await t.rejects(createCloudServer({ tokens: [''] }), /non-empty string/);
});
