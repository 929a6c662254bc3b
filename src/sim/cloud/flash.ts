// PUT /v1/devices/:id with a multipart `file`: the cloud checks that the
// binary is a module for this device's platform, then hands it to the board,
// which downloads it over its modelled link and publishes the events of a
// real update. The reply only says whether the update was started.
import type { ServerResponse } from 'node:http';
import { InputError } from '../../core/errors.js';
import { parseModule } from '../../firmware/parse.js';
import { platformById } from '../../core/platform.js';
import type { FormFields } from './body.js';
import type { BoardEntry } from './registry.js';
import { apiError, sendJson } from './api-reply.js';

export async function handleFlash(res: ServerResponse, entry: BoardEntry, fields: FormFields): Promise<void> {
  const { board } = entry;
  const file = fields.get('file');
  if (!(file instanceof Blob)) {
    // What api.particle.io says to a device PUT that asks for nothing it can do.
    apiError.badRequest(res, 'Nothing to do?');
    return;
  }
  const image = Buffer.from(await file.arrayBuffer());
  const problem = checkImage(image, board.platform.id);
  if (problem !== undefined) {
    apiError.badRequest(res, problem);
    return;
  }
  if (!board.cloudConnected) {
    apiError.offline(res);
    return;
  }
  const started = board.startOta(image);
  if (started.accepted) {
    sendJson(res, 200, { id: board.id, status: 'Update started' });
    return;
  }
  switch (started.reason) {
    case 'offline':
      apiError.offline(res);
      return;
    case 'busy':
      apiError.busy(res);
      return;
    case 'updates-disabled':
      // UNCONFIRMED: the real reply for a device whose app disabled updates
      // could not be found. The update is held, the board publishes
      // particle/device/updates/pending, and the reply says so instead of
      // claiming a start; a rig should trust the event, not this text.
      sendJson(res, 202, { id: board.id, status: 'Update pending' });
      return;
  }
}

/** Why the cloud refuses this binary for this platform, or undefined when it takes it. */
function checkImage(image: Buffer, platformId: number): string | undefined {
  try {
    const info = parseModule(image, 'file');
    if (info.platformId !== platformId) {
      const name = (id: number) => platformById(id)?.displayName ?? `platform ${id}`;
      return `Incompatible binary: built for ${name(info.platformId)}, the device is a ${name(platformId)}`;
    }
    return undefined;
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
}
