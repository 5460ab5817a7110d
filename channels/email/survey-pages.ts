// The pages behind the survey links in resolution mails. Mail scanners and
// link previewers open every link, so GET only shows a confirmation form; the
// rating is stored by the POST it submits. The signed token in the path is
// the whole credential (only the recipient has it). Server-rendered, every
// user string escaped, no script; the portal may restyle these later.
import type { Context, Middleware } from 'koa';
import { NotFoundError, type Clock, type ConversationCore } from '../../core/index.ts';
import { escapeHtml } from './render.ts';
import { verifySurveyToken } from './tokens.ts';

export interface SurveyPagesDeps {
  core: ConversationCore;
  clock: Clock;
  secret: string;
  deskName: string;
}

const PATH = /^\/email\/survey\/([0-9a-z.]{1,80})(?:\/([1-5]))?\/?$/;
const MAX_FORM_BYTES = 16 * 1024;
const LABELS: Record<number, string> = { 1: 'Very poor', 2: 'Poor', 3: 'Okay', 4: 'Good', 5: 'Great' };

export function surveyPages(deps: SurveyPagesDeps): Middleware {
  return async function emailSurveyPages(ctx, next) {
    const match = PATH.exec(ctx.path);
    if (!match) return next();
    const [, token, scoreInPath] = match;
    secureHeaders(ctx);
    const check = verifySurveyToken(deps.secret, token!, deps.clock.now());
    if (!check.ok) {
      return page(ctx, check.reason === 'expired' ? 410 : 404, 'Link not valid', check.reason === 'expired'
        ? '<p>This rating link has expired. Thank you all the same.</p>'
        : '<p>This rating link is not valid. Please use the link in the email exactly as it is.</p>');
    }
    const ticket = await deps.core.db.knex('tickets').where({ id: check.ticketId }).first('id', 'number', 'subject');
    if (!ticket) return page(ctx, 404, 'Link not valid', '<p>We could not find this request.</p>');

    if (ctx.method === 'GET' || ctx.method === 'HEAD') {
      return page(ctx, 200, 'Rate our help', confirmForm(ctx.path.replace(/\/[1-5]\/?$/, ''), ticket, Number(scoreInPath ?? 0)));
    }
    if (ctx.method !== 'POST' || scoreInPath) {
      ctx.set('Allow', 'GET, HEAD');
      return page(ctx, 405, 'Not allowed', '<p>Please use the form.</p>');
    }
    const form = await readForm(ctx);
    if (!form) return page(ctx, 413, 'Too long', '<p>That comment is too long. Please go back and shorten it.</p>');
    const score = Number(form.get('score'));
    const comment = (form.get('comment') ?? '').trim().slice(0, 2000) || undefined;
    if (!Number.isInteger(score) || score < 1 || score > 5) {
      return page(ctx, 422, 'Rate our help', `<p class="error">Please choose a rating from 1 to 5.</p>${confirmForm(ctx.path, ticket, 0, comment)}`);
    }
    try {
      await deps.core.rate({ kind: 'csat', ticketId: ticket.id, score, comment, channel: 'email' });
    } catch (error) {
      if (error instanceof NotFoundError) return page(ctx, 404, 'Link not valid', '<p>We could not find this request.</p>');
      throw error;
    }
    return page(
      ctx,
      200,
      'Thank you',
      `<p>Thank you! Your rating of <strong>${score} (${escapeHtml(LABELS[score]!)})</strong> for request [#${ticket.number}] is saved.</p><p>You can change it any time with the links in the email.</p>`,
    );
  };

  function confirmForm(action: string, ticket: { number: number; subject: string }, chosen: number, comment = ''): string {
    const options = [1, 2, 3, 4, 5]
      .map(
        (s) =>
          `<label class="option"><input type="radio" name="score" value="${s}"${s === chosen ? ' checked' : ''} required> ${s} &middot; ${escapeHtml(LABELS[s]!)}</label>`,
      )
      .join('\n');
    return `<p>How did we do with request <strong>[#${ticket.number}]</strong> <span class="subject">${escapeHtml(ticket.subject)}</span>?</p>
<form method="post" action="${escapeHtml(action)}">
<fieldset><legend>Your rating</legend>
${options}
</fieldset>
<label for="comment">Anything you would like to add? (optional)</label>
<textarea id="comment" name="comment" rows="4" maxlength="2000">${escapeHtml(comment)}</textarea>
<button type="submit">Send rating</button>
</form>`;
  }

  function page(ctx: Context, status: number, title: string, body: string): void {
    ctx.status = status;
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} - ${escapeHtml(deps.deskName)}</title>
<style>
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}
fieldset{border:1px solid #d0d7de;border-radius:6px;margin:1rem 0}.option{display:block;padding:.25rem 0}
textarea{width:100%;box-sizing:border-box}button{margin-top:1rem;padding:.5rem 1rem}.error{color:#cf222e}.subject{color:#57606a}
</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
<p class="subject">${escapeHtml(deps.deskName)}</p>
</body></html>`;
  }
}

function secureHeaders(ctx: Context): void {
  ctx.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  ctx.set('Referrer-Policy', 'no-referrer'); // the token is in the URL
  ctx.set('X-Robots-Tag', 'noindex');
  ctx.set('Cache-Control', 'no-store');
  ctx.set('X-Content-Type-Options', 'nosniff');
}

/** The urlencoded form body, or undefined when it is too large. */
async function readForm(ctx: Context): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}
