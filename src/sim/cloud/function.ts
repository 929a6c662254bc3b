// POST /v1/devices/:id/:function with `arg` (the documented field) or `args`
// (what particle-api-js sends): the cloud hands the call to the device and
// answers with its return value, as api.particle.io does:
// {"id","name","connected":true,"return_value"}. A function the running app
// did not register, and a device without a cloud session, are refused.
import type { ServerResponse } from 'node:http';
import type { FormFields } from './body.js';
import type { BoardEntry } from './registry.js';
import { apiError, sendJson } from './api-reply.js';

export function handleFunctionCall(res: ServerResponse, entry: BoardEntry, name: string, fields: FormFields): void {
  const { board } = entry;
  const given = fields.get('arg') ?? fields.get('args') ?? '';
  const arg = typeof given === 'string' ? given : '';
  if (!board.cloudConnected) return apiError.offline(res);
  const result = board.callFunction?.(name, arg) ?? { ok: false, reason: 'unknown' as const };
  if (result.ok) {
    entry.lastHeard = new Date();
    sendJson(res, 200, { id: board.id, name: board.name, connected: true, return_value: result.returnValue });
    return;
  }
  if (result.reason === 'offline') return apiError.offline(res);
  apiError.unknownFunction(res, name);
}
