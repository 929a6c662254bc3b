// YMODEM as Particle boards speak it (particle-facts §4): control bytes,
// packet layout and the header packet. Shared by the rig's sender and the
// simulated board's receiver, which each build or parse packets themselves.

export const SOH = 0x01; // 128-byte packet
export const STX = 0x02; // 1024-byte packet
export const EOT = 0x04;
export const ACK = 0x06;
export const NAK = 0x15;
export const CA = 0x18; // two in a row cancel
export const CRC_REQUEST = 0x43; // 'C'

export const SMALL_BLOCK = 128;
export const LARGE_BLOCK = 1024;
/** Start byte, seq, ~seq before the data; CRC-16 (2 bytes) after it. */
export const PACKET_HEAD = 3;
export const PACKET_TAIL = 2;
/** Data blocks are padded with CP/M end-of-file bytes. */
export const PAD = 0x1a;

/** CRC-16/XMODEM: poly 0x1021, init 0, no reflection. */
export function crc16(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** One packet: start byte, seq, its complement, data padded to the block size, CRC big-endian. */
export function buildPacket(seq: number, data: Uint8Array, blockSize: number, pad = PAD): Buffer {
  if (data.length > blockSize) throw new RangeError(`${data.length} bytes do not fit a ${blockSize}-byte block`);
  const packet = Buffer.alloc(PACKET_HEAD + blockSize + PACKET_TAIL, pad);
  packet[0] = blockSize === LARGE_BLOCK ? STX : SOH;
  packet[1] = seq & 0xff;
  packet[2] = ~seq & 0xff;
  packet.set(data, PACKET_HEAD);
  packet.writeUInt16BE(crc16(packet.subarray(PACKET_HEAD, PACKET_HEAD + blockSize)), PACKET_HEAD + blockSize);
  return packet;
}

/** Header packet (seq 0): `<name>\0<length> `, zero padded. An empty one ends the session. */
export function headerPayload(name: string, length: number): Buffer {
  return Buffer.from(`${name}\0${length} `, 'latin1');
}
