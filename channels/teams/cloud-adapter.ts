// botbuilder's CloudAdapter with the HTTP handling done by us. Its own
// process() wants Express-like objects and prints every rejected token to
// stderr; here the JWT check runs first and a forgery is a quiet 401 in our
// log, then the verified activity runs through the adapter's normal turn
// pipeline, whose invoke response (Action.Execute) we return.
import { CloudAdapter, type Activity, type TurnContext } from 'botbuilder';
import type { BotFrameworkAuthentication } from 'botframework-connector';

export interface TurnResult {
  status: number;
  body?: unknown;
}

export class ParleyCloudAdapter extends CloudAdapter {
  constructor(private readonly authentication: BotFrameworkAuthentication) {
    super(authentication);
  }

  async handle(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<TurnResult> {
    if (typeof activity.type !== 'string' || !activity.type) return { status: 400, body: { error: 'activity type missing' } };
    let verified;
    try {
      verified = await this.authentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 401) return { status: 401, body: { error: 'invalid Bot Framework token' } };
      throw error;
    }
    const invoke = await this.processActivity(verified, activity, logic);
    return { status: invoke?.status ?? 200, body: invoke?.body };
  }
}
