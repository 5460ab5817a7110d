// Wires the Slack channel when SLACK_BOT_TOKEN is set: HTTP events and
// interactions at SLACK_EVENTS_PATH (verified with SLACK_SIGNING_SECRET), or
// Socket Mode when SLACK_APP_TOKEN is set. Without a bot token nothing
// changes; a token without a way to receive events stops boot.
import { z } from 'zod';
import { defaultSlackApiUrl, type SlackOptions } from '../../channels/slack/options.ts';
import { ConfigError, intSetting, parseEnvGroup, urlSetting } from '../config.ts';
import type { ParleyParts } from '../server.ts';

const slackEnv = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xox[bp]-[A-Za-z0-9-]+$/, 'expected a bot token starting with xoxb-').optional(),
  SLACK_SIGNING_SECRET: z.string().regex(/^[A-Za-z0-9]{16,128}$/, "expected the app's signing secret (letters and digits)").optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-[A-Za-z0-9-]+$/, 'expected an app-level token starting with xapp-').optional(),
  SLACK_API_URL: urlSetting(/^https?:$/, 'an http(s) URL ending in /api/').default(defaultSlackApiUrl),
  SLACK_EVENTS_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /slack/events').default('/slack/events'),
  SLACK_FILE_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
});

export function slackOptions(env: NodeJS.ProcessEnv): SlackOptions | undefined {
  const e = parseEnvGroup(slackEnv, env);
  if (!e.SLACK_BOT_TOKEN) {
    if (e.SLACK_SIGNING_SECRET || e.SLACK_APP_TOKEN) throw new ConfigError('SLACK_BOT_TOKEN', 'required when SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set');
    return undefined;
  }
  if (!e.SLACK_SIGNING_SECRET && !e.SLACK_APP_TOKEN) {
    throw new ConfigError('SLACK_SIGNING_SECRET', 'required to verify Slack events (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  return {
    botToken: e.SLACK_BOT_TOKEN,
    signingSecret: e.SLACK_SIGNING_SECRET,
    appToken: e.SLACK_APP_TOKEN,
    apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
    eventsPath: e.SLACK_EVENTS_PATH,
    fileMaxBytes: e.SLACK_FILE_MAX_BYTES,
    timestampToleranceS: 300,
  };
}

export async function slack(parts: ParleyParts): Promise<void> {
  const options = slackOptions(parts.env);
  if (!options) return;
  // Bolt and the Web API client cost ~15 MB of memory once imported: only a
  // service with Slack switched on loads them (settings are checked above, first).
  const { createSlackChannel } = await import('../../channels/slack/index.ts');
  const channel = createSlackChannel({
    core: parts.core,
    attachments: parts.attachments,
    logger: parts.logger.child({ channel: 'slack' }),
    secret: parts.secret,
    options,
  });
  parts.adapters.set('slack', channel.adapter);
  if (channel.middleware) parts.mount(channel.middleware);
}
