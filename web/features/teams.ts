// Wires the Microsoft Teams channel when MICROSOFT_APP_ID is set (the Azure
// Bot's credentials), or TEAMS_ENABLED=true without credentials for local
// testing with the Bot Framework Emulator. Activities arrive at
// TEAMS_MESSAGES_PATH (/api/messages, the bot's messaging endpoint).
import { z } from 'zod';
import type { TeamsOptions } from '../../channels/teams/options.ts';
import { ConfigError, intSetting, parseEnvGroup } from '../config.ts';
import type { ParleyParts } from '../server.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const teamsEnv = z.object({
  TEAMS_ENABLED: flag.optional(),
  MICROSOFT_APP_ID: z.string().regex(GUID, 'expected the Azure Bot\'s Microsoft App ID (a GUID)').optional(),
  MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
  MICROSOFT_APP_TENANT_ID: z.string().regex(GUID, 'expected the Microsoft Entra tenant ID (a GUID)').optional(),
  MICROSOFT_APP_TYPE: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], { error: 'expected MultiTenant, SingleTenant or UserAssignedMSI' }).optional(),
  TEAMS_MESSAGES_PATH: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'expected a path such as /api/messages').default('/api/messages'),
  TEAMS_FILE_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(25 * 1024 * 1024),
});

export function teamsOptions(env: NodeJS.ProcessEnv): TeamsOptions | undefined {
  const e = parseEnvGroup(teamsEnv, env);
  const enabled = e.TEAMS_ENABLED ?? Boolean(e.MICROSOFT_APP_ID);
  if (!enabled) return undefined;
  if (!e.MICROSOFT_APP_ID) {
    for (const variable of ['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'MICROSOFT_APP_TYPE'] as const) {
      if (e[variable]) throw new ConfigError('MICROSOFT_APP_ID', `required when ${variable} is set`);
    }
  }
  const appType = e.MICROSOFT_APP_TYPE ?? (e.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant');
  if (e.MICROSOFT_APP_ID) {
    if (appType !== 'UserAssignedMSI' && !e.MICROSOFT_APP_PASSWORD) throw new ConfigError('MICROSOFT_APP_PASSWORD', 'required with MICROSOFT_APP_ID (the client secret of the bot\'s app registration)');
    if (appType !== 'MultiTenant' && !e.MICROSOFT_APP_TENANT_ID) throw new ConfigError('MICROSOFT_APP_TENANT_ID', `required when MICROSOFT_APP_TYPE is ${appType}`);
  }
  return {
    appId: e.MICROSOFT_APP_ID,
    appPassword: e.MICROSOFT_APP_PASSWORD,
    tenantId: e.MICROSOFT_APP_TENANT_ID,
    appType,
    path: e.TEAMS_MESSAGES_PATH,
    fileMaxBytes: e.TEAMS_FILE_MAX_BYTES,
    bodyMaxBytes: 1024 * 1024,
  };
}

export async function teams(parts: ParleyParts): Promise<void> {
  const options = teamsOptions(parts.env);
  if (!options) return;
  // botbuilder costs ~30 MB of memory once imported: only a service with
  // Teams switched on loads it (settings are checked above, first).
  const { createTeamsChannel } = await import('../../channels/teams/index.ts');
  const channel = createTeamsChannel({
    core: parts.core,
    attachments: parts.attachments,
    logger: parts.logger.child({ channel: 'teams' }),
    secret: parts.secret,
    options,
  });
  parts.adapters.set('teams', channel.adapter);
  parts.mount(channel.middleware);
}
