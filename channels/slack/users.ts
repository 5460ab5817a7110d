// Names for the people who write to us, from users.info (scope users:read;
// the email needs users:read.email). Best effort: without the scope, or when
// Slack is slow, the message is stored under the user id alone. A workspace
// admin can set any address on a profile, so Slack emails are kept as
// unverified: remembered, never used to link customers.
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { z } from 'zod';

export interface SlackUser {
  name?: string;
  email?: string;
  isBot: boolean;
}

const email = z.email().max(320);
const TTL_MS = 60 * 60_000;
const MAX_ENTRIES = 2_000;

export class SlackUsers {
  private readonly cache = new Map<string, { user: SlackUser; at: number }>();

  constructor(
    private readonly client: webApi.WebClient,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  async lookup(userId: string): Promise<SlackUser> {
    const hit = this.cache.get(userId);
    if (hit && this.now() - hit.at < TTL_MS) return hit.user;
    let user: SlackUser = { isBot: false };
    try {
      const r = await this.client.users.info({ user: userId });
      const profile = r.user?.profile;
      const name = profile?.display_name || profile?.real_name || r.user?.real_name || r.user?.name || undefined;
      const address = email.safeParse(profile?.email);
      user = { name: name?.slice(0, 200), email: address.success ? address.data : undefined, isBot: Boolean(r.user?.is_bot) };
    } catch (error) {
      this.logger.debug({ err: error, userId }, 'users.info failed; storing the message under the user id');
      return user; // not cached: the next message tries again
    }
    if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(userId, { user, at: this.now() });
    return user;
  }
}
