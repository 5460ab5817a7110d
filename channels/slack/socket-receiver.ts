// Socket Mode without a public URL: events come over a websocket the app
// opens with its app-level token. Bolt's own SocketModeReceiver acknowledges
// an event before the listeners run; this one acknowledges only after they
// have finished (the message is stored), and not at all when they failed, so
// Slack delivers the event again.
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { SocketModeClient } from '@slack/socket-mode';
import type { Logger } from 'pino';
import { slackLogger } from './logger.ts';

export class AckAfterStoreSocketReceiver implements Receiver {
  readonly client: SocketModeClient;
  private app?: App;

  constructor(
    options: { appToken: string; apiUrl: string; logger: Logger },
    private readonly logger = options.logger,
  ) {
    this.client = new SocketModeClient({
      appToken: options.appToken,
      logger: slackLogger(options.logger, 'slack-socket'),
      clientOptions: { slackApiUrl: options.apiUrl },
    });
    this.client.on('slack_event', (args) => void this.dispatch(args));
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<unknown> {
    return this.client.start();
  }

  async stop(): Promise<unknown> {
    return this.client.disconnect();
  }

  private async dispatch(args: { ack: (response?: Record<string, unknown>) => Promise<void>; body: any; retry_num?: number; retry_reason?: string }): Promise<void> {
    let acked = false;
    let response: Record<string, unknown> | undefined;
    const event: ReceiverEvent = {
      body: args.body,
      retryNum: args.retry_num,
      retryReason: args.retry_reason,
      ack: async (body?: unknown) => {
        if (acked) throw new Error('ack called twice');
        acked = true;
        if (body && typeof body === 'object') response = body as Record<string, unknown>;
      },
    };
    try {
      await this.app?.processEvent(event);
      await args.ack(response);
    } catch (error) {
      this.logger.warn({ err: error, retry: args.retry_num }, 'slack event failed; leaving it unacknowledged so Slack sends it again');
    }
  }
}
