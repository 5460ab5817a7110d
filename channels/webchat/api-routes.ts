// The widget's JSON API and its live stream, all under /chat. Every route
// reads as a pipeline: same-origin check -> visitor session -> rate limit ->
// validated body -> core command -> presenter. Ids of other visitors'
// conversations answer 404, exactly like ids that do not exist.
import Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  ConflictError,
  Customer,
  Identity,
  NotFoundError,
  type AttachmentStore,
  type ConversationCore,
  type EventBus,
  type Ticket,
} from '../../core/index.ts';
import type { Database } from '../../knexfile.ts';
import { customerIdOf, ownedTicket, recordConversation, setFollowUpEmail } from './conversations.ts';
import { baseHeaders, readJson, requireVisitor, sameOriginOnly, tooLarge, unauthorized, WebchatError, type VisitorState } from './http.ts';
import { verifyHostIdentity } from './identity.ts';
import type { WebchatOptions } from './options.ts';
import type { RateLimiter } from './rate-limit.ts';
import { SessionTokens, type VisitorSession } from './session-token.ts';
import type { LinkSigner } from './signing.ts';
import type { StreamHub } from './stream-hub.ts';
import type { Uploads } from './uploads.ts';
import { fileSubject, type Views } from './views.ts';

export interface ApiDeps {
  core: ConversationCore;
  db: Database;
  bus: EventBus;
  logger: Logger;
  options: WebchatOptions;
  tokens: SessionTokens;
  postLimiter: RateLimiter;
  sessionLimiter: RateLimiter;
  uploads: Uploads;
  attachments: AttachmentStore;
  views: Views;
  hub: StreamHub;
  streamLinks: LinkSigner;
  fileLinks: LinkSigner;
}

const STREAM_LINK_TTL_MS = 12 * 3600_000;
const clientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'expected 8-64 letters, digits, _ or -');

const sessionBody = z.object({
  token: z.string().max(2000).optional(),
  /** From the host page: signed (userId, timestamp, signature) or plain hints (email, name). */
  identity: z
    .object({
      userId: z.string().max(200).optional(),
      email: z.string().max(320).optional(),
      name: z.string().max(200).optional(),
      timestamp: z.union([z.string().max(20), z.number()]).optional(),
      signature: z.string().max(128).optional(),
    })
    .optional(),
});

const messageBody = z
  .object({
    clientMessageId: clientId,
    conversationId: z.number().int().positive().optional(),
    conversationKey: clientId.optional(),
    text: z.string().max(1_000_000).default(''),
    uploads: z.array(z.string().max(2000)).max(10).default([]),
  })
  .refine((b) => b.conversationId !== undefined || b.conversationKey !== undefined, {
    message: 'name the conversation (conversationId) or start one (conversationKey)',
    path: ['conversationKey'],
  });

const idParam = z.coerce.number().int().positive();

export function apiRouter(deps: ApiDeps): Router {
  const { core, db, options, tokens, views, hub } = deps;
  const knex = db.knex;
  const router = new Router({ prefix: '/chat' });
  const sameOrigin = sameOriginOnly(options.publicUrl);
  const visitor = requireVisitor(tokens);
  const now = () => core.clock.now();
  const smallBody = 16 * 1024;

  router.use(async function headers(ctx, next) {
    baseHeaders(ctx);
    ctx.set('Cache-Control', 'no-store');
    await next();
  });

  /** One token from the visitor's post bucket, or 429 with Retry-After. */
  async function postLimit(ctx: Context, next: () => Promise<unknown>) {
    const wait = deps.postLimiter.take((ctx.state as VisitorState).visitor.visitorId);
    if (wait > 0) {
      ctx.set('Retry-After', String(Math.ceil(wait / 1000)));
      throw new WebchatError('too many messages; please wait a moment', 429, 'rate_limited');
    }
    await next();
  }

  async function myTicket(ctx: Context): Promise<{ session: VisitorSession; ticket: Ticket; customerId: number }> {
    const session = (ctx.state as VisitorState).visitor;
    const id = idParam.safeParse(ctx.params.id);
    if (!id.success) throw new NotFoundError('conversation');
    const customerId = await customerIdOf(knex, session.visitorId);
    const ticket = await ownedTicket(knex, id.data, customerId);
    return { session, ticket, customerId: customerId! };
  }

  async function conversationPayload(ticket: Ticket) {
    const { exp, sig } = deps.streamLinks.sign(streamSubject(ticket), now() + STREAM_LINK_TTL_MS);
    const [conversation, messages] = await Promise.all([views.conversation(ticket), views.messages(ticket)]);
    return { conversation, messages, stream: `/chat/api/conversations/${ticket.id}/stream?exp=${exp}&sig=${sig}`, serverTime: now() };
  }

  router.post('/api/session', sameOrigin, async (ctx) => {
    const body = await readJson(ctx, sessionBody, smallBody);
    const identity = body.identity;
    if (identity?.signature) {
      const check = verifyHostIdentity(identity, { secret: options.identitySecret, maxAgeMs: options.identityMaxAgeMs, clock: core.clock });
      if (!check.ok) throw unauthorized(`the host identity was refused (${check.reason})`, `identity_${check.reason}`);
      const visitorId = SessionTokens.hostUserVisitorId(check.userId);
      ctx.body = sessionAnswer(tokens.issue({ visitorId, verified: true, email: check.email, name: check.name }));
      return;
    }
    const current = body.token ? tokens.verify(body.token) : undefined;
    // A verified session lives only as long as the host keeps vouching for it:
    // after the host user signs out, the next person at this browser is anonymous.
    if (current && 'session' in current && !current.session.verified) {
      const hints = unverifiedHints(identity);
      ctx.body = sessionAnswer(
        tokens.issue({
          visitorId: current.session.visitorId,
          verified: false,
          email: hints.email ?? current.session.email,
          name: hints.name ?? current.session.name,
        }),
      );
      return;
    }
    const wait = deps.sessionLimiter.take(`ip:${ctx.ip}`);
    if (wait > 0) {
      ctx.set('Retry-After', String(Math.ceil(wait / 1000)));
      throw new WebchatError('too many new chat sessions from this address', 429, 'rate_limited');
    }
    ctx.body = sessionAnswer(tokens.issue({ visitorId: SessionTokens.anonymousVisitorId(), verified: false, ...unverifiedHints(identity) }));
  });

  router.get('/api/conversations', visitor, async (ctx) => {
    const customerId = await customerIdOf(knex, (ctx.state as VisitorState).visitor.visitorId);
    ctx.body = { conversations: customerId ? await views.list(customerId) : [] };
  });

  router.get('/api/conversations/:id', visitor, async (ctx) => {
    const { ticket } = await myTicket(ctx);
    ctx.body = await conversationPayload(ticket);
  });

  router.post('/api/messages', sameOrigin, visitor, postLimit, async (ctx) => {
    const session = (ctx.state as VisitorState).visitor;
    const body = await readJson(ctx, messageBody, options.maxMessageLength * 6 + smallBody);
    if (body.text.length > options.maxMessageLength) {
      throw tooLarge(`messages may be at most ${options.maxMessageLength} characters`);
    }
    const attachments = body.uploads.map((receipt) => deps.uploads.redeem(receipt, session.visitorId));
    let threadKey = `${session.visitorId}/${body.conversationKey}`;
    if (body.conversationId !== undefined) {
      const customerId = await customerIdOf(knex, session.visitorId);
      threadKey = (await ownedTicket(knex, body.conversationId, customerId)).threadKey;
    }
    const email = session.email;
    const result = await core.receive({
      channel: 'webchat',
      // Namespaced by visitor: one visitor's ids can never collide with another's.
      externalId: `${session.visitorId}/${body.clientMessageId}`,
      threadKey,
      sender: { externalUserId: session.visitorId, email, emailVerified: Boolean(email && session.verified), name: session.name },
      text: body.text,
      attachments,
      receivedAt: now(),
      replyRef: { visitor: session.visitorId },
    });
    if (result.created) await recordConversation(knex, result.ticket.id, session.visitorId, now());
    const ticket = result.duplicate ? await ownedTicket(knex, result.ticket.id, result.ticket.customerId) : result.ticket;
    const [message] = await views.present(ticket, [result.message]);
    ctx.status = result.duplicate ? 200 : 201;
    ctx.body = { conversation: await views.conversation(ticket), message, duplicate: result.duplicate };
  });

  router.post('/api/uploads', sameOrigin, visitor, postLimit, async (ctx) => {
    ctx.status = 201;
    ctx.body = await deps.uploads.receive(ctx, (ctx.state as VisitorState).visitor.visitorId);
  });

  router.post('/api/messages/:id/feedback', sameOrigin, visitor, postLimit, async (ctx) => {
    const session = (ctx.state as VisitorState).visitor;
    const { helpful } = await readJson(ctx, z.object({ helpful: z.boolean() }), smallBody);
    const id = idParam.safeParse(ctx.params.id);
    const customerId = await customerIdOf(knex, session.visitorId);
    const message = id.success ? await knex('messages').where({ id: id.data, internal: false }).first('id', 'ticketId', 'authorType') : undefined;
    if (!message || message.authorType !== 'bot') throw new NotFoundError('answer');
    const ticket = await ownedTicket(knex, message.ticketId, customerId);
    await core.rate({ kind: 'answer', messageId: message.id, helpful, channel: 'webchat' });
    if (!helpful) await core.handOff(ticket.id, 'answer_not_helpful', { type: 'customer', id: customerId });
    ctx.body = await conversationPayload(await ownedTicket(knex, ticket.id, customerId));
  });

  router.post('/api/conversations/:id/handoff', sameOrigin, visitor, postLimit, async (ctx) => {
    const { ticket, customerId } = await myTicket(ctx);
    await core.handOff(ticket.id, 'customer_request', { type: 'customer', id: customerId });
    ctx.body = await conversationPayload(await ownedTicket(knex, ticket.id, customerId));
  });

  router.post('/api/conversations/:id/csat', sameOrigin, visitor, postLimit, async (ctx) => {
    const { ticket, customerId } = await myTicket(ctx);
    const body = await readJson(ctx, z.object({ score: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }), smallBody);
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') throw new ConflictError('a conversation is rated once it is resolved');
    await core.rate({ kind: 'csat', ticketId: ticket.id, score: body.score, comment: body.comment, channel: 'webchat' });
    ctx.body = await conversationPayload(await ownedTicket(knex, ticket.id, customerId));
  });

  router.post('/api/conversations/:id/follow-up', sameOrigin, visitor, postLimit, async (ctx) => {
    const { ticket, customerId, session } = await myTicket(ctx);
    const { email } = await readJson(ctx, z.object({ email: z.email().max(320) }), smallBody);
    const address = email.toLowerCase();
    await knex.transaction(async (trx) => {
      await setFollowUpEmail(trx, ticket.id, session.visitorId, address, now());
      // Recorded on the customer, unverified: it is never used to link accounts.
      await Customer.query(trx).patch({ email: address, updatedAt: now() }).where({ id: customerId, emailVerified: false });
      await Identity.query(trx)
        .patch({ email: address })
        .where({ channel: 'webchat', externalUserId: session.visitorId, emailVerified: false });
    });
    await deps.bus.publish([{ type: 'ticket.updated', ticketId: ticket.id, customerId }]);
    ctx.body = await conversationPayload(ticket);
  });

  router.get('/api/conversations/:id/stream', async (ctx) => {
    const id = idParam.safeParse(ctx.params.id);
    const ticket = id.success ? await knex('tickets').where({ id: id.data, channel: 'webchat' }).first('id', 'customerId') : undefined;
    if (!ticket || !deps.streamLinks.verify(streamSubject(ticket), ctx.query.exp, ctx.query.sig, now())) {
      // EventSource stops retrying on an error status: the widget then asks
      // for the conversation again and gets a fresh stream link.
      throw unauthorized('this stream link is not valid any more', 'stream_expired');
    }
    const full = await ownedTicket(knex, ticket.id, ticket.customerId);
    const lastSeen = Number(ctx.get('last-event-id') || ctx.query.after || 0);
    ctx.respond = false;
    await hub.attach(full, ctx.req, ctx.res, Number.isSafeInteger(lastSeen) && lastSeen > 0 ? lastSeen : 0, {
      'X-Content-Type-Options': 'nosniff',
    });
  });

  router.get('/files/:id', async (ctx) => {
    const id = idParam.safeParse(ctx.params.id);
    const row = id.success
      ? await knex('attachments as a')
          .join('messages as m', 'm.id', 'a.messageId')
          .join('tickets as t', 't.id', 'm.ticketId')
          .where('a.id', id.data)
          .where('m.internal', false)
          .first('a.id', 'a.sha256', 'a.filename', 'a.contentType', 'a.size', 't.customerId')
      : undefined;
    if (!row || !deps.fileLinks.verify(fileSubject(row.id, row.customerId), ctx.query.exp, ctx.query.sig, now())) {
      throw new NotFoundError('file');
    }
    const image = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(row.contentType);
    ctx.set('Content-Type', image ? row.contentType : 'application/octet-stream');
    ctx.set('Content-Disposition', contentDisposition(row.filename));
    ctx.set('Content-Security-Policy', "default-src 'none'; sandbox");
    ctx.set('Cross-Origin-Resource-Policy', 'same-origin');
    ctx.set('Cache-Control', 'private, max-age=3600');
    ctx.length = Number(row.size);
    ctx.body = deps.attachments.open(row.sha256);
  });

  return router;
}

function streamSubject(ticket: { id: number; customerId: number }): string {
  return `stream:${ticket.id}:${ticket.customerId}`;
}

function sessionAnswer({ token, session }: { token: string; session: VisitorSession }) {
  return {
    token,
    expiresAt: session.expiresAt,
    visitor: { verified: session.verified, name: session.name ?? null, email: session.email ?? null },
  };
}

/** Unsigned name/email from the host page: kept on the customer, never trusted for linking. */
function unverifiedHints(identity: z.infer<typeof sessionBody>['identity']): { email?: string; name?: string } {
  const email = identity?.email && z.email().safeParse(identity.email).success ? identity.email.toLowerCase() : undefined;
  const name = identity?.name?.replace(/[\r\n]+/g, ' ').trim().slice(0, 200) || undefined;
  return { email, name };
}

/** `attachment` with an ASCII fallback and the exact UTF-8 name (RFC 6266). */
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
