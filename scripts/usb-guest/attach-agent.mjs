// The kernel bench's attach agent, run as root in the guest: keeps every
// device the host's USB/IP server exports attached to this kernel's
// vhci-hcd. It polls the server's device list; a device (bus ID + device
// number) it has not attached is imported, and the connection is handed to
// the kernel through vhci's sysfs `attach` file, as the usbip tool does. A
// board that re-enumerates (mode change, reset, power cycle) leaves its vhci
// port (the server ends the connection) and shows up with a new device
// number: it is attached again at the next poll. Each attach is logged with
// how long after the device appeared in the list it was attached, and how
// long after the board's previous device left.
//   node attach-agent.mjs --host H --port P [--expect N --ready FILE] [--poll-ms 50]
import { connect } from 'node:net';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  decodeDeviceInfo, decodeDevlistBody, decodeOpHeader, devidOf, DEVICE_INFO_LENGTH, encodeImportRequest, encodeOpHeader, Op, OP_HEADER_LENGTH,
} from '../../dist/protocol/usbip.js';

const { values: o } = parseArgs({
  options: {
    host: { type: 'string', default: '10.0.2.2' },
    port: { type: 'string', default: '3240' },
    expect: { type: 'string', default: '0' },
    ready: { type: 'string' },
    'poll-ms': { type: 'string', default: '50' },
  },
});
const VHCI = '/sys/devices/platform/vhci_hcd.0';
const WAIT_MS = 5000;
const pollMs = Number(o['poll-ms']);
const t0 = performance.now();
const log = (msg) => process.stdout.write(`${((performance.now() - t0) / 1000).toFixed(3)}s ${msg}\n`);

/** One request on a fresh connection; resolves with the socket and what `parse` made of the reply. */
async function ask(request, parse) {
  const s = connect({ host: o.host, port: Number(o.port) });
  s.setNoDelay(true);
  s.on('error', () => undefined);
  const signal = AbortSignal.timeout(WAIT_MS);
  await once(s, 'connect', { signal });
  s.write(request);
  let buf = Buffer.alloc(0);
  try {
    for (;;) {
      const [chunk] = await once(s, 'data', { signal });
      buf = Buffer.concat([buf, chunk]);
      const got = parse(buf);
      if (got !== undefined) return { socket: s, value: got };
    }
  } catch (err) {
    s.destroy();
    throw err;
  }
}

async function devlist() {
  const { socket, value } = await ask(encodeOpHeader(Op.reqDevlist), (b) => {
    if (b.length < OP_HEADER_LENGTH + 4) return undefined;
    try {
      return decodeDevlistBody(b.subarray(OP_HEADER_LENGTH));
    } catch (err) {
      if (err instanceof RangeError) return undefined;
      throw err;
    }
  });
  socket.destroy();
  return value;
}

/** vhci ports: the full/high-speed hub's free ones, and which are in use. */
function vhciPorts() {
  const lines = readFileSync(`${VHCI}/status`, 'utf8').trim().split('\n').slice(1);
  const ports = lines.map((l) => l.trim().split(/\s+/)).map(([hub, port, sta]) => ({ hub, port: Number(port), free: Number(sta) === 4 }));
  return ports;
}

/** The bus number of vhci's high-speed root hub (usbN under the vhci device, speed 480). */
let hsBus;
function highSpeedBus() {
  hsBus ??= readdirSync(VHCI).map((e) => /^usb(\d+)$/.exec(e)?.[1]).filter(Boolean)
    .find((n) => readFileSync(`${VHCI}/usb${n}/speed`, 'utf8').trim() === '480');
  return hsBus;
}

/**
 * A free port whose last device the kernel has let go of. vhci frees a port
 * as soon as its connection ends; a new device attached there before the hub
 * driver has handled that disconnect is taken for the old one still present
 * (no new enumeration, as if the board never reset). A real board is off the
 * bus for a while when it resets, so waiting for the kernel keeps to that.
 */
function freePort() {
  const bus = highSpeedBus();
  return vhciPorts().find((p) => p.hub === 'hs' && p.free && !(bus && existsSync(`/sys/bus/usb/devices/${bus}-${p.port + 1}`)));
}

async function attach(d) {
  const free = freePort();
  if (!free) throw new Error('no free vhci port yet');
  const { socket, value } = await ask(encodeImportRequest(d.busid), (b) => {
    if (b.length < OP_HEADER_LENGTH) return undefined;
    const h = decodeOpHeader(b);
    if (h.status !== 0) return { status: h.status };
    return b.length < OP_HEADER_LENGTH + DEVICE_INFO_LENGTH ? undefined : { status: 0, info: decodeDeviceInfo(b.subarray(OP_HEADER_LENGTH)) };
  });
  if (value.status !== 0) {
    socket.destroy();
    throw new Error(`import refused (status ${value.status})`);
  }
  // The kernel takes the connection over: node must not read from it any more.
  socket.pause();
  const fd = socket._handle.fd;
  writeFileSync(`${VHCI}/attach`, `${free.port} ${fd} ${devidOf(value.info)} ${value.info.speed}`);
  socket.destroy(); // closes node's descriptor; the kernel holds its own reference
  return free.port;
}

const attached = new Map(); // vhci port -> { busid, devnum }
const seenAt = new Map(); // "busid devnum" -> when the list first showed it
const leftAt = new Map(); // busid -> when its last device left its vhci port
let announced = false;
const expect = Number(o.expect);
const latencies = [];

async function round() {
  const ports = vhciPorts();
  for (const [port, a] of attached) {
    if (ports.find((p) => p.port === port)?.free) {
      attached.delete(port);
      leftAt.set(a.busid, performance.now());
      log(`detached ${a.busid} devnum ${a.devnum} (vhci port ${port})`);
    }
  }
  const devices = await devlist();
  for (const d of devices) {
    const key = `${d.busid} ${d.devnum}`;
    if (!seenAt.has(key)) seenAt.set(key, performance.now());
    if ([...attached.values()].some((a) => a.busid === d.busid && a.devnum === d.devnum)) continue;
    try {
      const port = await attach(d);
      attached.set(port, { busid: d.busid, devnum: d.devnum });
      const now = performance.now();
      const sinceLeft = leftAt.has(d.busid) ? now - leftAt.get(d.busid) : undefined;
      if (sinceLeft !== undefined) latencies.push(sinceLeft);
      log(`attached ${d.busid} devnum ${d.devnum} ${d.idVendor.toString(16)}:${d.idProduct.toString(16)} on vhci port ${port}: ${(now - seenAt.get(key)).toFixed(0)} ms after it was listed` +
        (sinceLeft === undefined ? '' : `, ${sinceLeft.toFixed(0)} ms after its previous device left`));
    } catch (err) {
      if (err.message !== 'no free vhci port yet') log(`attach ${d.busid} devnum ${d.devnum}: ${err.message}`);
    }
  }
  if (!announced && expect > 0 && attached.size >= expect && o.ready) {
    announced = true;
    writeFileSync(o.ready, `${attached.size}\n`);
  }
}

process.on('SIGTERM', () => {
  if (latencies.length) log(`re-attach after a re-enumeration: ${latencies.length} times, median ${latencies.sort((a, b) => a - b)[latencies.length >> 1].toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms`);
  process.exit(0);
});
log(`attach agent: USB/IP server ${o.host}:${o.port}, polling every ${pollMs} ms`);
for (;;) {
  await round().catch((err) => log(`round: ${err.message}`));
  await new Promise((r) => setTimeout(r, pollMs));
}
