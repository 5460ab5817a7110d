// The Discord channel's settings, as the feature wiring (web/features/discord.ts)
// parses them from the environment.
export interface DiscordOptions {
  botToken: string;
  /** REST base URL ("https://discord.com/api"); the gateway URL comes from it. Tests point it at a fake. */
  apiUrl: string;
  /** Ask for the privileged MESSAGE CONTENT intent (needed to read thread follow-ups that do not mention the bot). */
  messageContent: boolean;
  /** Largest file taken from a customer's message. */
  fileMaxBytes: number;
  /** After a reconnect, look for missed messages on tickets active this recently. */
  catchUpDays: number;
}

export const defaultDiscordApiUrl = 'https://discord.com/api';
