// The control protocol's routes (see src/transport/bench-control.ts for the
// client's view): capabilities, the board list, power and faults by device
// ID (a board's name is accepted too). POST faults imposes or arms one; GET
// faults reads back the armed ones (waiting, or fired and where); DELETE
// faults disarms them (?transfer=dfu: those of one transfer). Errors: 404 unknown board or route, 400 bad body,
// 405 wrong method, 501 what the simulator cannot do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SIM_CAPABILITIES } from './capabilities.js';
import { applyFaultRequest, applyPower, armedFaults, disarmFaults, UnsupportedFault, type ControlledBoard } from './apply.js';
import { readJson, reply } from './json-body.js';
import { ARMABLE_TRANSFERS, isArmableTransfer, parseFaultRequest, parsePowerRequest } from './requests.js';

const BOARD_ROUTE = /^\/v1\/boards\/([^/]+)\/(power|faults)$/;

export function createControlHandler(boards: readonly ControlledBoard[]) {
  const find = (key: string): ControlledBoard | undefined => {
    const k = decodeURIComponent(key);
    return boards.find((b) => b.handle.id === k.toLowerCase() || b.handle.name === k);
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://control');
    const path = url.pathname;
    if (path === '/v1/capabilities' || path === '/v1/boards') {
      if (req.method !== 'GET') return reply(res, 405, { error: `${path} takes GET` });
      if (path === '/v1/capabilities') return reply(res, 200, { faults: SIM_CAPABILITIES });
      return reply(res, 200, boards.map(({ handle: h, serial }) => {
        const counters = serial?.();
        return { name: h.name, id: h.id, platform: h.platform.name, mode: h.mode, usb: h.usb, ...(counters ? { serial: counters } : {}) };
      }));
    }
    const m = BOARD_ROUTE.exec(path);
    if (!m) return reply(res, 404, { error: `no route ${path}` });
    const methods = m[2] === 'faults' ? ['POST', 'GET', 'DELETE'] : ['POST'];
    if (!methods.includes(req.method ?? '')) return reply(res, 405, { error: `${path} takes ${methods.join(', ')}` });
    const board = find(m[1] as string);
    if (!board) return reply(res, 404, { error: `no board ${decodeURIComponent(m[1] as string)} on this bench` });
    if (req.method === 'GET') return reply(res, 200, { armed: armedFaults(board) });
    if (req.method === 'DELETE') {
      const transfer = url.searchParams.get('transfer') ?? undefined;
      if (transfer !== undefined && !isArmableTransfer(transfer)) return reply(res, 400, { error: `no transfer '${transfer}': expected ${ARMABLE_TRANSFERS.join(', ')}` });
      return reply(res, 200, { disarmed: disarmFaults(board, transfer) });
    }
    const body = await readJson(req);
    if (!body.ok) return reply(res, 400, { error: body.error });
    if (m[2] === 'power') {
      const r = parsePowerRequest(body.value);
      if (!r.ok) return reply(res, 400, { error: r.error });
      applyPower(board, r.value.action);
      return reply(res, 204);
    }
    const r = parseFaultRequest(body.value);
    if (!r.ok) return reply(res, 400, { error: r.error });
    try {
      applyFaultRequest(board, r.value);
    } catch (err) {
      if (err instanceof UnsupportedFault) return reply(res, 501, { error: err.message });
      throw err;
    }
    return reply(res, 204);
  };
}
