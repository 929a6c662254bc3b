// The board's way to the cloud: network up (blinking green), cloud handshake
// (blinking cyan), connected (breathing cyan, or breathing magenta in safe
// mode), and the events the cloud sees around a session (particle-facts §7).
import type { NetworkLink } from '../network/link.js';
import type { Lifetime } from './lifetime.js';
import type { LogLevel } from './log.js';
import { cloudHandshakeMs, NETWORK_RETRY_MS, networkUpMs } from './board-durations.js';
import type { LedState } from '../../core/domain.js';

export interface SessionHost {
  readonly lifetime: Lifetime;
  readonly link: NetworkLink;
  /** 'normal' or 'safe' while a session may run; anything else stops the attempt. */
  canConnect(): boolean;
  setLed(led: LedState): void;
  log(category: string, level: LogLevel, message: string): void;
  /** The session came up: the board publishes what a real one does. */
  connected(): void;
  /** The session went down (link loss, listening mode, reset). */
  disconnected(): void;
}

export class CloudSession {
  private timer: NodeJS.Timeout | undefined;
  private online = false;
  private dropTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: SessionHost) {}

  get isOnline(): boolean {
    return this.online;
  }

  connect(): void {
    if (!this.host.canConnect() || this.online) return;
    this.host.lifetime.cancel(this.timer);
    const link = this.host.link;
    this.host.setLed('blinking-green');
    this.timer = this.host.lifetime.after(networkUpMs(link.options), () => {
      if (!this.host.canConnect()) return;
      if (!link.options.up) {
        this.timer = this.host.lifetime.after(NETWORK_RETRY_MS, () => this.connect());
        return;
      }
      this.host.log('net', 'INFO', `${link.options.kind === 'cellular' ? 'Cellular' : 'Wi-Fi'} network connected`);
      this.host.setLed('blinking-cyan');
      this.host.log('system', 'INFO', 'Cloud: connecting');
      this.timer = this.host.lifetime.after(cloudHandshakeMs(link.options), () => {
        if (!this.host.canConnect()) return;
        if (!link.options.up) return this.connect();
        this.host.log('system', 'INFO', 'Cloud socket connected');
        this.host.log('comm.protocol.handshake', 'INFO', 'Handshake completed');
        this.host.log('system', 'INFO', 'Cloud connected');
        this.online = true;
        this.host.connected();
      });
    });
  }

  /** Ends the session now (reset, listening mode) or, for a lost link, after keep-alive runs out. */
  drop(): void {
    this.host.lifetime.cancel(this.timer);
    this.host.lifetime.cancel(this.dropTimer);
    if (!this.online) return;
    this.online = false;
    this.host.disconnected();
  }

  /** The link changed: a link that went down ends the session after keep-alive; one that came up reconnects. */
  linkChanged(): void {
    const link = this.host.link.options;
    if (!link.up && this.online && !this.dropTimer) {
      this.dropTimer = this.host.lifetime.after(link.keepAliveS * 1000, () => {
        this.dropTimer = undefined;
        if (this.host.link.options.up) return;
        this.host.log('system', 'WARN', 'Cloud connection lost');
        this.drop();
        this.connect();
      });
    } else if (link.up && !this.online) {
      this.connect();
    }
  }
}
