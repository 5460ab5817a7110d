// Who our bot is in the workspace (auth.test), asked once and remembered.
// Bolt would run auth.test itself and keep a failure for ever; this keeps
// only a success, so a Slack outage at boot heals on the next event. The
// result tells our own messages apart from customers' and strips mentions.
import type { AuthorizeResult, webApi } from '@slack/bolt';

export interface BotIdentity {
  botUserId: string;
  botId?: string;
  teamId?: string;
}

export class SlackBotIdentity {
  private pending?: Promise<BotIdentity>;

  constructor(
    private readonly client: webApi.WebClient,
    private readonly botToken: string,
  ) {}

  get(): Promise<BotIdentity> {
    this.pending ??= this.client.auth
      .test({ token: this.botToken })
      .then((r) => {
        if (!r.user_id) throw new Error('auth.test did not name the bot user');
        return { botUserId: r.user_id, botId: r.bot_id, teamId: r.team_id };
      })
      .catch((error: unknown) => {
        this.pending = undefined;
        throw error;
      });
    return this.pending;
  }

  /** Bolt's `authorize`: one workspace, one bot token. */
  readonly authorize = async (): Promise<AuthorizeResult> => {
    const me = await this.get();
    return { botToken: this.botToken, botId: me.botId, botUserId: me.botUserId, teamId: me.teamId };
  };
}
