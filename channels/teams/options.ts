// The Teams channel's settings, as the feature wiring (web/features/teams.ts)
// parses them from the environment.
export type TeamsAppType = 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';

export interface TeamsOptions {
  /** The Azure Bot's Microsoft App ID; without it JWT validation is off (Bot Framework Emulator only). */
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  appType: TeamsAppType;
  /** The messaging endpoint path, /api/messages. */
  path: string;
  /** Largest file taken from a customer's message. */
  fileMaxBytes: number;
  /** Largest activity body accepted. */
  bodyMaxBytes: number;
}
