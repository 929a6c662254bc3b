// The sender's protocol handling against scripted peers on a real Unix
// socket. The peers stand in for boards that misbehave in ways the simulated
// board never does (line noise NAKs, firmware that never sends 'C', other
// message orders); the happy path against the real simulated board is in
// ymodem.test.ts.
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Test } from 'tap';
import t from 'tap';
import { InfraError } from '../../src/core/errors.js';
import { sendYmodem, YmodemLinkError, YmodemRejectedError } from '../../src/transport/ymodem.js';
import { ACK, CA, EOT, NAK, crc16 } from '../../src/protocol/ymodem.js';

type Frame = { kind: 'cmd'; key: string } | { kind: 'packet'; seq: number; data: Buffer; crc: number } | { kind: 'eot' };

/** Splits what the sender writes into frames; `answer` says what the stand-in board sends back. */
async function peer(t: Test, answer: (f: Frame, board: Socket, frames: Frame[]) => void): Promise<{ link: Socket; frames: Frame[] }> {
  // Unix socket paths are limited to 108 bytes; tap's per-test folders can be longer.
  const dir = mkdtempSync(join(tmpdir(), 'ymodem-'));
  const path = join(dir, 'board.sock');
  const frames: Frame[] = [];
  const server = createServer((board) => {
    let buf = Buffer.alloc(0);
    board.on('error', () => undefined);
    board.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const head = buf[0];
        if (head === undefined) return;
        let frame: Frame;
        let size = 1;
        if (head === 0x01 || head === 0x02) {
          const block = head === 0x02 ? 1024 : 128;
          size = 3 + block + 2;
          if (buf.length < size) return;
          frame = { kind: 'packet', seq: buf[1] as number, data: Buffer.from(buf.subarray(3, 3 + block)), crc: buf.readUInt16BE(3 + block) };
        } else if (head === EOT) frame = { kind: 'eot' };
        else frame = { kind: 'cmd', key: String.fromCharCode(head) };
        buf = buf.subarray(size);
        frames.push(frame);
        answer(frame, board, frames);
      }
    });
  });
  server.listen(path);
  await once(server, 'listening');
  const link = connect(path);
  await once(link, 'connect');
  t.teardown(() => {
    link.destroy();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { link, frames };
}

const PROMPT = "Waiting for the binary file to be sent ... (press 'a' to abort)\r\n";
const SUCCESS = '\r\nDownloaded file successfully!\r\nName: binary\r\nSize: 2000 bytes\r\nRestarting system to apply firmware update...\r\n';

/** A well-behaved board, except where `twist` says otherwise. */
function board(twist: (f: Frame, s: Socket, frames: Frame[]) => boolean = () => false) {
  return (f: Frame, s: Socket, frames: Frame[]): void => {
    if (twist(f, s, frames)) return;
    if (f.kind === 'cmd' && f.key === 'f') s.write(PROMPT + 'C');
    else if (f.kind === 'packet' && f.seq === 0 && f.data[0] !== 0) s.write(Buffer.of(ACK, 0x43));
    else if (f.kind === 'packet' && f.seq === 0) s.write(Buffer.concat([Buffer.of(ACK), Buffer.from(SUCCESS)]));
    else if (f.kind === 'eot') s.write(Buffer.of(ACK, 0x43));
    else s.write(Buffer.of(ACK));
  };
}

const image = Buffer.alloc(2000, 0xa5);

t.test('CRC-16/XMODEM has the standard check value', async (t) => {
  t.equal(crc16(Buffer.from('123456789')), 0x31c3);
});

t.test('packets: header, 1024-byte blocks, a 128-byte tail, CRC big-endian, EOT, empty header', async (t) => {
  const { link, frames } = await peer(t, board());
  const result = await sendYmodem(link, image);
  t.equal(result.ok, true);
  const packets = frames.filter((f): f is Extract<Frame, { kind: 'packet' }> => f.kind === 'packet');
  t.same(packets.map((p) => [p.seq, p.data.length]), [[0, 128], [1, 1024], [2, 1024], [0, 128]]);
  t.equal(packets[0]?.data.subarray(0, 12).toString('latin1'), 'binary\x002000 ');
  t.ok(packets[0]?.data.subarray(12).every((b) => b === 0), 'the header is zero padded');
  t.ok(packets.every((p) => p.crc === crc16(p.data)), 'every CRC is computed over the data block');
  t.ok(packets[2]?.data.subarray(2000 - 1024).every((b) => b === 0x1a), 'the last data block is padded with 0x1A');
  t.same(frames.filter((f) => f.kind !== 'packet'), [{ kind: 'cmd', key: 'f' }, { kind: 'eot' }]);
});

t.test('a 128-byte tail goes in a SOH packet', async (t) => {
  const { link, frames } = await peer(t, board());
  await sendYmodem(link, Buffer.alloc(1024 + 100, 1));
  const sizes = frames.flatMap((f) => (f.kind === 'packet' ? [f.data.length] : []));
  t.same(sizes, [128, 1024, 128, 128]);
});

t.test('a NAK makes the sender resend the same packet', async (t) => {
  let naked = false;
  const { link, frames } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 2 || naked) return false;
    naked = true;
    s.write(Buffer.of(NAK));
    return true;
  }));
  const result = await sendYmodem(link, image);
  t.equal(result.resends, 1);
  t.same(frames.flatMap((f) => (f.kind === 'packet' ? [f.seq] : [])), [0, 1, 2, 2, 0]);
});

t.test('endless NAKs: the sender gives up after its retry limit (infrastructure)', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 1) return false;
    s.write(Buffer.of(NAK));
    return true;
  }));
  const err = await sendYmodem(link, image, { maxRetries: 3 }).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.match((err as Error).message, /no ACK after 4 attempts/);
});

t.test("a board that prints the prompt but sends no 'C' (Device OS) still gets the header", async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'cmd') return false;
    s.write(PROMPT);
    return true;
  }));
  t.equal((await sendYmodem(link, image)).ok, true);
});

t.test('the board resetting right after "Downloaded file successfully!" is success', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 0 || f.data[0] !== 0) return false;
    s.end(Buffer.concat([Buffer.of(ACK), Buffer.from('\r\nDownloaded file successfully!\r\nName: binary\r\nSize: 2000 bytes\r\n')]));
    return true;
  }));
  const result = await sendYmodem(link, image);
  t.same(result.boardMessages.slice(1), ['Downloaded file successfully!', 'Name: binary', 'Size: 2000 bytes']);
});

t.test('"Validation failed" after the download is a refusal', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 0 || f.data[0] !== 0) return false;
    s.write(Buffer.concat([Buffer.of(ACK), Buffer.from('\r\nDownloaded file successfully!\r\nValidation failed: 2\r\n')]));
    return true;
  }));
  const err = await sendYmodem(link, image).catch((e: unknown) => e);
  t.type(err, YmodemRejectedError);
  t.equal((err as YmodemRejectedError).reason, 'validation');
});

t.test('the board cancelling with CA CA and no reason', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 1) return false;
    s.write(Buffer.of(CA, CA));
    return true;
  }));
  const err = await sendYmodem(link, image).catch((e: unknown) => e);
  t.type(err, YmodemRejectedError);
  t.equal((err as YmodemRejectedError).reason, 'cancelled');
});

t.test('"Failed to receive the file!" is the link failing, not the firmware', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 2) return false;
    s.write(Buffer.concat([Buffer.of(CA, CA), Buffer.from('Failed to receive the file!\r\n')]));
    return true;
  }));
  const err = await sendYmodem(link, image).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.type(err, InfraError);
  t.same((err as YmodemLinkError).boardMessages.at(-1), 'Failed to receive the file!');
});

t.test('the link closing mid-transfer is an infrastructure error', async (t) => {
  const { link } = await peer(t, board((f, s) => {
    if (f.kind !== 'packet' || f.seq !== 2) return false;
    s.destroy();
    return true;
  }));
  const err = await sendYmodem(link, image).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.equal((err as YmodemLinkError).phase, 'data');
});

t.test('no answer to a packet: resends on each timeout, then a link error', async (t) => {
  const { link, frames } = await peer(t, board((f) => f.kind === 'packet' && f.seq === 1));
  const err = await sendYmodem(link, image, { packetTimeoutMs: 50, maxRetries: 2 }).catch((e: unknown) => e);
  t.type(err, YmodemLinkError);
  t.equal(frames.filter((f) => f.kind === 'packet' && f.seq === 1).length, 3, 'sent three times');
});
