// One connection to a USB bus served on a Unix socket (./protocol.md):
// framed calls matched to their answers by seq, each with a timeout. A
// bus that cannot be reached is an infrastructure failure of the rig.
import { connect, type Socket } from 'node:net';
import { InfraError } from '../../core/errors.js';
import { decodeResponse, encodeRequest, FrameSplitter, Op, UsbStatus, WIRE_VERSION } from '../../protocol/usb-socket-frame.js';
import type { OpCode, ResponseFrame } from '../../protocol/usb-socket-frame.js';
import { encodeVersion } from '../../protocol/usb-socket-messages.js';

export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

interface Waiter {
  resolve(r: ResponseFrame): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class UsbSocketClient {
  private readonly pending = new Map<number, Waiter>();
  private readonly splitter = new FrameSplitter();
  private seq = 0;
  private ended = false;

  private constructor(
    readonly socketPath: string,
    private readonly socket: Socket,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.fail(new InfraError(`the USB bus at ${socketPath} closed the connection`)));
  }

  /**
   * Connects and checks that the server speaks our protocol version. With
   * keepsProcessAlive false an idle connection does not hold the process
   * open (a call in flight still does, through its timer).
   */
  static async connect(socketPath: string, timeoutMs = DEFAULT_CALL_TIMEOUT_MS, o: { keepsProcessAlive?: boolean } = {}): Promise<UsbSocketClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(socketPath);
      if (o.keepsProcessAlive === false) s.unref();
      const timer = setTimeout(() => {
        s.destroy();
        reject(new InfraError(`the USB bus at ${socketPath} did not accept a connection within ${timeoutMs} ms`));
      }, timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(new InfraError(`cannot reach the USB bus at ${socketPath}: ${err.code ?? err.message}`, 'is the bench (rig sim) running?', { cause: err }));
      });
    });
    const client = new UsbSocketClient(socketPath, socket);
    const hello = await client.call(Op.hello, encodeVersion(WIRE_VERSION), timeoutMs);
    if (hello.status !== UsbStatus.ok) {
      client.close();
      throw new InfraError(`the USB bus at ${socketPath} does not speak protocol version ${WIRE_VERSION}`);
    }
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  call(op: OpCode, payload: Buffer = Buffer.alloc(0), timeoutMs = DEFAULT_CALL_TIMEOUT_MS): Promise<ResponseFrame> {
    if (this.ended) return Promise.reject(new InfraError(`the connection to the USB bus at ${this.socketPath} is closed`));
    const seq = (this.seq = (this.seq + 1) >>> 0);
    return new Promise<ResponseFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new InfraError(`the USB bus at ${this.socketPath} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(seq, { resolve, reject, timer });
      this.socket.write(encodeRequest(seq, op, payload));
    });
  }

  close(): void {
    this.socket.end();
    this.socket.destroy();
    this.fail(new InfraError(`the connection to the USB bus at ${this.socketPath} is closed`));
  }

  private receive(chunk: Buffer): void {
    try {
      for (const body of this.splitter.push(chunk)) {
        const r = decodeResponse(body);
        const w = this.pending.get(r.seq);
        if (!w) continue; // the answer to a call that already timed out
        this.pending.delete(r.seq);
        clearTimeout(w.timer);
        w.resolve(r);
      }
    } catch (err) {
      this.socket.destroy();
      this.fail(new InfraError(`the USB bus at ${this.socketPath} sent a broken frame`, undefined, { cause: err }));
    }
  }

  private fail(err: Error): void {
    this.ended = true;
    for (const w of this.pending.values()) {
      clearTimeout(w.timer);
      w.reject(err);
    }
    this.pending.clear();
  }
}
