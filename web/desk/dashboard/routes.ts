// The agents' dashboard: GET /desk/dashboard shows the support figures of a
// period (?days=7|30|90, or ?from=&to= dates) as cards with server-drawn
// charts; GET /desk/dashboard/<figure>.csv downloads one figure of the same
// period. The router it is given already requires a signed-in agent.
import type Router from '@koa/router';
import { NotFoundError } from '../../../core/errors.ts';
import { render } from '../../views/render.ts';
import { deskPage, type DeskDeps } from '../context.ts';
import { toCsv } from './csv.ts';
import { DashboardPage } from './dashboard-page.tsx';
import { csvFileName, FIGURE_TABLES, isFigure } from './figure-csv.ts';
import { loadDashboard } from './figures.ts';
import { parsePeriod } from './period.ts';

export function dashboardRoutes(router: Router, deps: DeskDeps): void {
  router.get('/desk/dashboard', async (ctx) => {
    const period = parsePeriod(ctx.query, deps.clock.now());
    const data = await loadDashboard(deps.knex, period);
    await render(ctx, DashboardPage({ page: deskPage(ctx, deps), data }));
  });

  router.get('/desk/dashboard/:file', async (ctx) => {
    const figure = /^([a-z-]+)\.csv$/.exec(ctx.params.file ?? '')?.[1];
    if (!figure || !isFigure(figure)) throw new NotFoundError('figure');
    const period = parsePeriod(ctx.query, deps.clock.now());
    // All figures for one file: a dozen range scans of a covering index, and
    // the CSV is then exactly what the page showed for the same period.
    const data = await loadDashboard(deps.knex, period);
    ctx.type = 'text/csv; charset=utf-8';
    ctx.set('Content-Disposition', `attachment; filename="${csvFileName(figure, data)}"`);
    // Figures of signed-in agents: never kept by a shared cache.
    ctx.set('Cache-Control', 'no-store');
    ctx.body = toCsv(FIGURE_TABLES[figure](data));
  });
}
