// The CDC-ACM function of a board in serial mode (interfaces 0-1 of its
// composite device, src/sim/usb/descriptors.ts): the class requests a host's
// cdc-acm driver sends to interface 0 (SET_LINE_CODING, GET_LINE_CODING,
// SET_CONTROL_LINE_STATE) and the data endpoints (bulk OUT 0x01, bulk IN
// 0x81; the notification endpoint 0x82 never has anything to say). A new
// line speed goes to the board's serial line, which changes mode on 14400
// and 28800 baud exactly as on a PTY (src/sim/serial/endpoint.ts).
import type { ControlSetup } from '../../protocol/usb-socket-messages.js';
import { acceptOut, answerIn, requestKind, stall, type ControlOutcome, type DeviceFunction } from './control-outcome.js';

const CdcRequest = { setLineCoding: 0x20, getLineCoding: 0x21, setControlLineState: 0x22 } as const;
export const CDC_COMM_INTERFACE = 0;
export const CDC_DATA_OUT = 0x01;
export const CDC_DATA_IN = 0x81;
export const CDC_NOTIFY_IN = 0x82;

/** The board's side of the port, as the CDC function reaches it (CdcLine). */
export interface CdcLineDevice {
  read(max: number, deliver: (bytes: Buffer) => void): () => void;
  hostData(bytes: Buffer): void;
  lineCoding(baud: number): void;
}

export class CdcAcm implements DeviceFunction {
  /** dwDTERate, bCharFormat, bParityType, bDataBits: 9600 8N1 until the host sets it. */
  private coding = Buffer.from([0x80, 0x25, 0, 0, 0, 0, 8]);

  constructor(private readonly line: CdcLineDevice | undefined) {}

  control(setup: ControlSetup, data: Buffer): ControlOutcome | undefined {
    if (requestKind(setup.bmRequestType) !== 'class' || (setup.wIndex & 0xff) !== CDC_COMM_INTERFACE) return undefined;
    switch (setup.bRequest) {
      case CdcRequest.setLineCoding: {
        if (data.length < 7) return stall();
        this.coding = Buffer.from(data.subarray(0, 7));
        const baud = this.coding.readUInt32LE(0);
        // The request completes first; then the board acts on the speed (and may leave the bus).
        return acceptOut(setup, () => this.line?.lineCoding(baud));
      }
      case CdcRequest.getLineCoding:
        return answerIn(setup, this.coding);
      case CdcRequest.setControlLineState:
        return acceptOut(setup);
      default:
        return stall();
    }
  }

  transferOut(ep: number, data: Buffer): number | undefined {
    if (ep !== CDC_DATA_OUT) return undefined;
    this.line?.hostData(data);
    return data.length;
  }

  transferIn(ep: number, max: number, deliver: (bytes: Buffer) => void): (() => void) | undefined {
    if (ep === CDC_NOTIFY_IN) return () => {}; // no serial state changes to notify: the transfer waits until the host cancels it
    if (ep !== CDC_DATA_IN || !this.line) return undefined;
    return this.line.read(max, deliver);
  }
}
