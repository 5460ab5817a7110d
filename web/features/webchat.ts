// Wires the web chat channel: parses its WEBCHAT_* settings, builds the
// channel from the shared parts, mounts its routes (/widget.js, /chat...,
// /demo) and registers its outbox adapter.
import type Koa from 'koa';
import { z } from 'zod';
import { createWebchat, defaultWebchatOptions, type WebchatOptions } from '../../channels/webchat/index.ts';
import { ConfigError, intSetting, parseEnvGroup } from '../config.ts';
import type { ParleyParts } from '../server.ts';

const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' }).transform((v) => ['true', '1', 'yes'].includes(v));
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const webchatEnv = z.object({
  WEBCHAT_ENABLED: flag.default(true),
  WEBCHAT_IDENTITY_SECRET: z.string().min(16, 'expected at least 16 characters (share it with the host application)').optional(),
  WEBCHAT_IDENTITY_MAX_AGE_S: intSetting(60, 30 * 86_400).default(86_400),
  WEBCHAT_SESSION_DAYS: intSetting(1, 400).default(30),
  WEBCHAT_POSTS_PER_MINUTE: intSetting(1, 10_000).default(defaultWebchatOptions.postsPerMinute),
  WEBCHAT_SESSIONS_PER_MINUTE: intSetting(1, 100_000).default(defaultWebchatOptions.sessionsPerMinute),
  WEBCHAT_MAX_MESSAGE_LENGTH: intSetting(1, 100_000).default(defaultWebchatOptions.maxMessageLength),
  WEBCHAT_UPLOAD_MAX_BYTES: intSetting(1, 1024 * 1024 * 1024).default(defaultWebchatOptions.uploadMaxBytes),
  WEBCHAT_UPLOAD_TYPES: list
    .pipe(z.array(z.string().regex(/^[a-z0-9.+-]+\/(\*|[a-z0-9.+-]+)$/i, 'expected a comma-separated list of content types')))
    .default(defaultWebchatOptions.uploadTypes),
  WEBCHAT_FRAME_ANCESTORS: list
    .pipe(z.array(z.string().regex(/^(\*|'self'|'none'|https?:\/\/[^\s;,]+)$/, "expected *, 'self' or a comma-separated list of http(s) origins")))
    .default(defaultWebchatOptions.frameAncestors),
  WEBCHAT_DEMO: flag.default(true),
  WEBCHAT_AGENT_WAIT_S: intSetting(0, 86_400).default(defaultWebchatOptions.agentWaitMs / 1000),
});

export function webchatOptions(env: NodeJS.ProcessEnv, publicUrl: string): WebchatOptions | undefined {
  const e = parseEnvGroup(webchatEnv, env);
  if (!e.WEBCHAT_ENABLED) return undefined;
  if (e.WEBCHAT_FRAME_ANCESTORS.length === 0) throw new ConfigError('WEBCHAT_FRAME_ANCESTORS', 'expected at least one origin, or *');
  return {
    publicUrl,
    identitySecret: e.WEBCHAT_IDENTITY_SECRET,
    identityMaxAgeMs: e.WEBCHAT_IDENTITY_MAX_AGE_S * 1000,
    sessionTtlMs: e.WEBCHAT_SESSION_DAYS * 86_400_000,
    postsPerMinute: e.WEBCHAT_POSTS_PER_MINUTE,
    sessionsPerMinute: e.WEBCHAT_SESSIONS_PER_MINUTE,
    maxMessageLength: e.WEBCHAT_MAX_MESSAGE_LENGTH,
    uploadMaxBytes: e.WEBCHAT_UPLOAD_MAX_BYTES,
    uploadTypes: e.WEBCHAT_UPLOAD_TYPES.map((t) => t.toLowerCase()),
    frameAncestors: e.WEBCHAT_FRAME_ANCESTORS,
    demo: e.WEBCHAT_DEMO,
    agentWaitMs: e.WEBCHAT_AGENT_WAIT_S * 1000,
  };
}

export function webchat(parts: ParleyParts): void {
  const options = webchatOptions(parts.env, parts.config.publicUrl);
  if (!options) return;
  const channel = createWebchat({
    core: parts.core,
    db: parts.db,
    bus: parts.bus,
    logger: parts.logger.child({ channel: 'webchat' }),
    secret: parts.secret,
    attachments: parts.attachments,
    adapters: parts.adapters,
    // The email channel's reply address shape (channels/email/reply-ref.ts).
    emailFollowUp: { replyRef: (email) => ({ to: email, references: [] }) },
    options,
  });
  parts.adapters.set('webchat', channel.adapter);
  parts.mount(channel.router.routes() as Koa.Middleware);
  parts.mount(channel.router.allowedMethods() as Koa.Middleware);
  channel.start();
  parts.onStop(() => channel.stop());
}
