// What the web chat channel is configured with. Parsed from the environment
// in web/features/webchat.ts; passed in here so tests build their own.
export interface WebchatOptions {
  /** Where browsers reach us (absolute links in the widget script and emails). */
  publicUrl: string;
  /** Shared with host applications to sign their users' identities; unset: anonymous only. */
  identitySecret?: string;
  /** How old a host identity signature may be. */
  identityMaxAgeMs: number;
  /** Lifetime of a visitor session token (renewed on every visit). */
  sessionTtlMs: number;
  /** Posts (messages, uploads, ratings) per visitor per minute. */
  postsPerMinute: number;
  /** New anonymous sessions per client address per minute. */
  sessionsPerMinute: number;
  /** Longest message a visitor may send, in characters. */
  maxMessageLength: number;
  uploadMaxBytes: number;
  /** Content types a visitor may upload (exact types or `image/*`). */
  uploadTypes: string[];
  /** CSP frame-ancestors for /chat: `*` or a list of origins. */
  frameAncestors: string[];
  /** Serve the /demo host page. */
  demo: boolean;
  /** After a handoff, how long to wait for a person before offering email follow-up. */
  agentWaitMs: number;
}

export const defaultWebchatOptions: Omit<WebchatOptions, 'publicUrl'> = {
  identityMaxAgeMs: 24 * 3600_000,
  sessionTtlMs: 30 * 24 * 3600_000,
  postsPerMinute: 20,
  sessionsPerMinute: 30,
  maxMessageLength: 5000,
  uploadMaxBytes: 10 * 1024 * 1024,
  uploadTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
  frameAncestors: ['*'],
  demo: true,
  agentWaitMs: 60_000,
};
