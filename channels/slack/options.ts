// The Slack channel's settings, as the feature wiring (web/features/slack.ts)
// parses them from the environment.
export interface SlackOptions {
  /** Bot User OAuth Token (xoxb-...). */
  botToken: string;
  /** Verifies HTTP event and interaction requests; required without Socket Mode. */
  signingSecret?: string;
  /** App-level token (xapp-...): when set, events arrive over Socket Mode instead of HTTP. */
  appToken?: string;
  /** Web API base URL ("https://slack.com/api/"); tests point it at a fake. */
  apiUrl: string;
  /** Where Slack POSTs events and interactions. */
  eventsPath: string;
  /** Largest file taken from a customer's message. */
  fileMaxBytes: number;
  /** How far a request timestamp may be from our clock, either way. */
  timestampToleranceS: number;
}

export const defaultSlackApiUrl = 'https://slack.com/api/';
