import t from 'tap';
import { makeBoard } from './fixtures/boards.js';
import { startCloud } from './fixtures/cloud.js';

const ID = '3a002c000847343337373738';

interface ApiFailure {
  statusCode: number;
  body: { error?: string; error_description?: string };
}

t.test('every route needs a valid bearer token', async (t) => {
  const lines: string[] = [];
  const { cloud, api, token } = await startCloud(t, { boards: [makeBoard(t, { name: 'p', id: ID, platform: 'photon' })], log: (l) => lines.push(l) });

  t.test('no token: 401 invalid_token, for the device list, a device and an event stream', async (t) => {
    const list = (await api.listDevices({}).then(() => undefined, (e: ApiFailure) => e))!;
    t.equal(list?.statusCode, 401);
    t.equal(list?.body.error, 'invalid_token');
    t.match(list?.body.error_description, /not found/);
    const one = (await api.getDevice({ deviceId: ID }).then(() => undefined, (e: ApiFailure) => e))!;
    t.equal(one?.statusCode, 401);
    const stream = await api.getEventStream({ deviceId: 'mine', auth: '' }).then(() => undefined, (e: ApiFailure) => e);
    t.equal(stream?.statusCode, 401, 'the stream is refused before it opens');
  });

  t.test('a wrong token: 401 invalid_token with the invalid-token description', async (t) => {
    const err = (await api.listDevices({ auth: 'not-the-token' }).then(() => undefined, (e: ApiFailure) => e))!;
    t.equal(err?.statusCode, 401);
    t.equal(err?.body.error, 'invalid_token');
    t.equal(err?.body.error_description, 'The access token provided is invalid.');
  });

  t.test('the token is accepted in the header, the query string and a form body', async (t) => {
    const viaHeader = await api.listDevices({ auth: token });
    t.equal(viaHeader.statusCode, 200);
    const viaQuery = await fetch(`${cloud.url}/v1/devices?access_token=${token}`);
    t.equal(viaQuery.status, 200);
    const form = new FormData();
    form.set('access_token', token);
    const viaForm = await fetch(`${cloud.url}/v1/devices/${ID}`, { method: 'PUT', body: form });
    t.equal(viaForm.status, 400, 'authorised, then refused for asking nothing');
    t.same(await viaForm.json(), { ok: false, error: 'Nothing to do?' });
    const wrongForm = new FormData();
    wrongForm.set('access_token', 'nope');
    t.equal((await fetch(`${cloud.url}/v1/devices/${ID}`, { method: 'PUT', body: wrongForm })).status, 401);
  });

  t.test('a token is never written to the log', async (t) => {
    t.ok(lines.length > 3, 'requests were logged');
    t.notOk(lines.some((l) => l.includes(token)), 'no log line carries the token');
    t.ok(lines.some((l) => l === 'GET /v1/devices 200'), 'the query string is left out of the log line');
  });
});

t.test('a server started without tokens makes one and accepts only it', async (t) => {
  const { api, token } = await startCloud(t, { tokens: [] });
  t.match(token, /^[0-9a-f]{40}$/);
  t.equal((await api.listDevices({ auth: token })).statusCode, 200);
  const err = await api.listDevices({ auth: 'x' }).then(() => undefined, (e: ApiFailure) => e);
  t.equal(err?.statusCode, 401);
});
