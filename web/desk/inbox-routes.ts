// The inbox page, its results fragment (filters and live reloads ask for
// #inbox-results) and the desk stream that tells open inboxes to reload.
import type Router from '@koa/router';
import { wantsFragment } from '../http/htmx.ts';
import { render } from '../views/render.ts';
import { deskPage, type DeskDeps } from './context.ts';
import { agentOf } from './guard.ts';
import type { DeskLive } from './live.ts';
import { InboxPage, InboxResults } from './pages/inbox.tsx';
import { inbox, inboxCounts, parseInboxFilter } from './queries.ts';

export function inboxRoutes(router: Router, deps: DeskDeps & { live: DeskLive }): void {
  router.get('/desk', async (ctx) => {
    const agent = agentOf(ctx);
    const filter = parseInboxFilter(ctx.query);
    const [rows, counts] = await Promise.all([inbox(deps.knex, filter, agent.id), inboxCounts(deps.knex, filter, agent.id)]);
    const data = { filter, rows, counts };
    if (wantsFragment(ctx, 'inbox-results')) return render(ctx, InboxResults({ data, now: deps.clock.now() }));
    await render(ctx, InboxPage({ page: deskPage(ctx, deps), data }));
  });

  router.get('/desk/stream', (ctx) => {
    deps.live.attach(ctx, null);
  });
}
