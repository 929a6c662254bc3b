// Firmware update over USB control requests (250 START, 253 DATA, 251
// FINISH, 252 CANCEL), as particle-usb's Device.updateFirmware drives it:
// the board announces a chunk size, takes the chunks, and on FINISH hands the
// whole image to the board, which validates, installs and resets.
import type { SimBoard } from '../board/contract.js';
import { decodeMessage, encodeMessage, SystemResult } from './protobuf.js';
import type { RequestResult } from './control-requests.js';
import { takesProgress } from './dfu-progress.js';

const CHUNK_SIZE = 4096;

export class UsbFirmwareUpdate {
  private expected: number | undefined;
  private chunks: Buffer[] = [];
  private received = 0;

  constructor(private readonly board: SimBoard) {}

  start(payload: Buffer): RequestResult {
    const { size } = decodeMessage<{ size: number }>('StartFirmwareUpdateRequest', payload);
    if (!size) return { result: SystemResult.invalidArgument };
    this.expected = size;
    this.chunks = [];
    this.received = 0;
    return { result: SystemResult.ok, reply: encodeMessage('StartFirmwareUpdateReply', { chunkSize: CHUNK_SIZE }) };
  }

  data(payload: Buffer): RequestResult {
    if (this.expected === undefined) return { result: SystemResult.invalidState };
    const { data } = decodeMessage<{ data: Uint8Array }>('FirmwareUpdateDataRequest', payload);
    const chunk = Buffer.from(data ?? new Uint8Array());
    if (this.received + chunk.length > this.expected) return { result: SystemResult.tooLarge };
    this.chunks.push(chunk);
    this.received += chunk.length;
    // Reported after the chunk is taken, so a fault armed at N% can cut the transfer there.
    if (takesProgress(this.board)) this.board.transferProgress('usb', (this.received / this.expected) * 100);
    return { result: SystemResult.ok };
  }

  finish(payload: Buffer): RequestResult {
    if (this.expected === undefined) return { result: SystemResult.invalidState };
    const { validateOnly } = decodeMessage<{ validateOnly: boolean }>('FinishFirmwareUpdateRequest', payload);
    const complete = this.received === this.expected;
    const image = Buffer.concat(this.chunks);
    this.cancel();
    if (!complete) return { result: SystemResult.badData };
    // Validation alone cannot be asked of the board without installing.
    if (validateOnly) return { result: SystemResult.notSupported };
    const r = this.board.installImage(image, 'usb');
    return { result: r.ok ? SystemResult.ok : SystemResult.badData };
  }

  cancel(): RequestResult {
    this.expected = undefined;
    this.chunks = [];
    this.received = 0;
    return { result: SystemResult.ok };
  }
}
