// Particle's USB control request service (particle-usb src/usb-protocol.js):
// vendor requests on the device, bRequest INIT=1 (wIndex = request type,
// wValue = payload size), SEND=3 (payload chunks), CHECK=2 (status, result
// and reply size), RECV=4 (reply chunks), RESET=5 (drop one or all). Service
// replies are `u32 field flags, u16 status, [u16 id], [u32 size], [i32
// result]`. Plus the two legacy direct requests on bRequest 0x50 ('P'):
// IN wIndex 30 = system version string, OUT wIndex 40 = forced reset.
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';
import type { SimBoard } from '../board/contract.js';
import { ControlRequests, RequestType, type RequestResult } from './control-requests.js';
import { acceptOut, answerIn, requestKind, stall, type ControlOutcome, type DeviceFunction } from './control-outcome.js';

const Service = { init: 1, check: 2, send: 3, recv: 4, reset: 5 } as const;
const ServiceStatus = { ok: 0, pending: 2, busy: 3, noMemory: 4, notFound: 5 } as const;
const Field = { status: 0x01, id: 0x02, size: 0x04, result: 0x08 } as const;
const LEGACY_REQUEST = 0x50;
/** Requests a board keeps open at once; more answer BUSY (UNCONFIRMED figure). */
const MAX_ACTIVE = 8;

interface ServiceReply {
  status: number;
  id?: number;
  size?: number;
  result?: number;
}

const int = (bytes: 2 | 4, write: (b: Buffer) => void): Buffer => {
  const b = Buffer.alloc(bytes);
  write(b);
  return b;
};

function encodeServiceReply(r: ServiceReply): Buffer {
  let flags: number = Field.status;
  const optional: Buffer[] = [];
  if (r.id !== undefined) {
    flags |= Field.id;
    optional.push(int(2, (b) => b.writeUInt16LE(r.id ?? 0)));
  }
  if (r.size !== undefined) {
    flags |= Field.size;
    optional.push(int(4, (b) => b.writeUInt32LE(r.size ?? 0)));
  }
  if (r.result !== undefined) {
    flags |= Field.result;
    optional.push(int(4, (b) => b.writeInt32LE(r.result ?? 0)));
  }
  return Buffer.concat([int(4, (b) => b.writeUInt32LE(flags)), int(2, (b) => b.writeUInt16LE(r.status)), ...optional]);
}

interface ActiveRequest {
  type: number;
  size: number;
  chunks: Buffer[];
  received: number;
  done?: RequestResult;
  sent: number;
}

export class ParticleControl implements DeviceFunction {
  private readonly active = new Map<number, ActiveRequest>();
  private lastId = 0;
  private readonly requests: ControlRequests;

  constructor(private readonly board: SimBoard) {
    this.requests = new ControlRequests(board);
  }

  control(setup: ControlSetup, data: Buffer): ControlOutcome | undefined {
    if (requestKind(setup.bmRequestType) !== 'vendor') return undefined;
    const reply = (r: ServiceReply, after?: () => void): ControlOutcome => answerIn(setup, encodeServiceReply(r), after);
    const req = this.active.get(setup.wIndex);
    switch (setup.bRequest) {
      case LEGACY_REQUEST:
        return this.legacy(setup);
      case Service.init: {
        if (this.active.size >= MAX_ACTIVE) return reply({ status: ServiceStatus.busy });
        const id = this.nextId();
        const fresh: ActiveRequest = { type: setup.wIndex, size: setup.wValue, chunks: [], received: 0, sent: 0 };
        this.active.set(id, fresh);
        return reply({ status: ServiceStatus.ok, id });
      }
      case Service.send: {
        if (!req || req.done || req.received + data.length > req.size) return stall();
        req.chunks.push(Buffer.from(data));
        req.received += data.length;
        return acceptOut(setup);
      }
      case Service.check: {
        if (!req) return reply({ status: ServiceStatus.notFound });
        if (!req.done && req.received === req.size) this.process(req);
        if (!req.done) return reply({ status: ServiceStatus.pending });
        const size = req.done.reply?.length ?? 0;
        if (size === 0) this.active.delete(setup.wIndex);
        return reply({ status: ServiceStatus.ok, result: req.done.result, size }, size === 0 ? req.done.after : undefined);
      }
      case Service.recv: {
        const body = req?.done?.reply;
        if (!req || !body) return stall();
        const chunk = body.subarray(req.sent, req.sent + setup.wLength);
        req.sent += chunk.length;
        const finished = req.sent >= body.length;
        if (finished) this.active.delete(setup.wIndex);
        return answerIn(setup, chunk, finished ? req.done?.after : undefined);
      }
      case Service.reset:
        if (setup.wIndex === 0) this.active.clear();
        else this.active.delete(setup.wIndex);
        return reply({ status: ServiceStatus.ok });
      default:
        return stall();
    }
  }

  /**
   * Runs the request when the host first asks for its result. Device OS runs
   * it asynchronously anyway; running it here means whatever it sets off
   * (an install's reset) follows the host's CHECK, not the host's wall-clock
   * poll interval against a board clock that may run many times faster.
   */
  private process(req: ActiveRequest): void {
    req.done = this.requests.handle(req.type, Buffer.concat(req.chunks));
  }

  private nextId(): number {
    do this.lastId = (this.lastId % 0xffff) + 1;
    while (this.active.has(this.lastId));
    return this.lastId;
  }

  private legacy(setup: ControlSetup): ControlOutcome {
    const deviceToHost = (setup.bmRequestType & 0x80) !== 0;
    if (deviceToHost && setup.wIndex === RequestType.systemVersion) {
      return answerIn(setup, Buffer.from(`${this.board.deviceOsVersion}\0`));
    }
    if (!deviceToHost && setup.wIndex === RequestType.reset) return acceptOut(setup, () => this.board.reset('user'));
    return stall();
  }
}
