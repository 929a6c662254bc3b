// Numbers from the USB DFU 1.1 specification and ST's DfuSe extension
// (AN3156), plus Particle's own DfuSe command (0xFA: enter safe mode).

export const DfuRequest = { detach: 0, dnload: 1, upload: 2, getStatus: 3, clrStatus: 4, getState: 5, abort: 6 } as const;

export const DfuState = {
  appIdle: 0,
  appDetach: 1,
  dfuIdle: 2,
  dnloadSync: 3,
  dnBusy: 4,
  dnloadIdle: 5,
  manifestSync: 6,
  manifest: 7,
  manifestWaitReset: 8,
  uploadIdle: 9,
  error: 10,
} as const;
export type DfuStateCode = (typeof DfuState)[keyof typeof DfuState];

export const DfuStatus = {
  ok: 0x00,
  errTarget: 0x01,
  errFile: 0x02,
  errWrite: 0x03,
  errErase: 0x04,
  errCheckErased: 0x05,
  errProg: 0x06,
  errVerify: 0x07,
  errAddress: 0x08,
  errNotDone: 0x09,
  errFirmware: 0x0a,
  errVendor: 0x0b,
  errUsbReset: 0x0c,
  errPowerOnReset: 0x0d,
  errUnknown: 0x0e,
  errStalledPacket: 0x0f,
} as const;
export type DfuStatusCode = (typeof DfuStatus)[keyof typeof DfuStatus];

export const DfuseCommand = {
  getCommands: 0x00,
  setAddress: 0x21,
  erase: 0x41,
  readUnprotect: 0x92,
  enterSafeMode: 0xfa,
} as const;

/** What GET_COMMANDS (UPLOAD block 0) lists: the commands this bootloader understands. */
export const SUPPORTED_COMMANDS = [DfuseCommand.getCommands, DfuseCommand.setAddress, DfuseCommand.erase, DfuseCommand.enterSafeMode];

/** The 6-byte GETSTATUS answer: bStatus, bwPollTimeout (u24), bState, iString. */
export function statusBytes(status: DfuStatusCode, pollMs: number, state: DfuStateCode): Buffer {
  const b = Buffer.alloc(6);
  const poll = Math.max(0, Math.min(0xffffff, Math.ceil(pollMs)));
  b.writeUInt8(status, 0);
  b.writeUIntLE(poll, 1, 3);
  b.writeUInt8(state, 4);
  b.writeUInt8(0, 5);
  return b;
}
