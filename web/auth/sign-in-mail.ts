// The sign-in mail as durable work. The request handler only enqueues a job
// (for every address, known or not, so the answer and its timing are the
// same either way); the job looks the customer up, issues a fresh link and
// sends it. A failed send is retried by the job runner with backoff; each try
// issues its own link, so the raw token never sits in the jobs table.
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock, ConversationCore, FollowUpPayload } from '../../core/index.ts';
import { escapeHtml } from '@kitajs/html';
import { customerForEmail, type LoginLinks } from './login-links.ts';
import type { Mail, Mailer } from './mailer.ts';

export const SIGN_IN_REQUESTED = 'portal.sign_in_requested';
export const SIGN_IN_MAIL_JOB = 'portal.sign_in_mail';

/** A request older than this is dropped: the customer has long moved on. */
const STALE_AFTER_MS = 60 * 60_000;

interface SignInRequest {
  email: string;
  next?: string;
  requestedAt: number;
}

export async function requestSignInMail(core: ConversationCore, request: SignInRequest, trigger = SIGN_IN_REQUESTED): Promise<void> {
  await core.transaction((tx) => tx.enqueue(trigger, { ...request }));
}

/** Who a link for an address signs in: a customer (the default) or an agent. */
export type FindSubject = (knex: Knex, email: string) => Promise<{ id: number; email: string | null; name: string | null } | undefined>;

export function signInMailHandler(deps: {
  knex: Knex;
  clock: Clock;
  links: LoginLinks;
  mailer: () => Mailer;
  siteName: string;
  logger: Logger;
  find?: FindSubject;
}) {
  const find = deps.find ?? customerForEmail;
  return async function sendSignInMail(payload: FollowUpPayload): Promise<void> {
    const request = payload as unknown as SignInRequest;
    if (deps.clock.now() - Number(request.requestedAt) > STALE_AFTER_MS) return;
    const subject = await find(deps.knex, request.email);
    if (!subject?.email) {
      deps.logger.info('sign-in link requested for an address we do not know; nothing sent');
      return;
    }
    const link = await deps.links.issue(subject.id, subject.email, request.next);
    await deps.mailer().send(signInMail(subject.email, subject.name, link.url, deps.links.ttlMs, deps.siteName));
    deps.logger.info({ subjectId: subject.id }, 'sign-in link sent');
  };
}

export function signInMail(to: string, name: string | null, url: string, ttlMs: number, siteName: string): Mail {
  const minutes = Math.round(ttlMs / 60_000);
  const greeting = name ? `Hello ${name},` : 'Hello,';
  const text = [
    greeting,
    '',
    `Here is your link to sign in to ${siteName}:`,
    '',
    url,
    '',
    `It works once, within ${minutes} minutes. If you did not ask for it, you can ignore this email: nobody can sign in without it.`,
    '',
  ].join('\n');
  const html = `<p>${escapeHtml(greeting)}</p>
<p>Here is your link to sign in to ${escapeHtml(siteName)}:</p>
<p><a href="${escapeHtml(url)}">Sign in to ${escapeHtml(siteName)}</a></p>
<p>It works once, within ${minutes} minutes. If you did not ask for it, you can ignore this email: nobody can sign in without it.</p>`;
  return { to, subject: `Your sign-in link for ${siteName}`, text, html, automatic: true };
}
