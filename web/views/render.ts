// Sends a rendered template (kitajs components may be async) as an HTML page.
import type { Context } from 'koa';
import { sendHtml } from '../http/htmx.ts';

export async function render(ctx: Context, element: JSX.Element, status = 200): Promise<void> {
  sendHtml(ctx, await element, status);
}
