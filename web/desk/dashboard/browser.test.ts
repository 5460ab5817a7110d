// The dashboard in a real browser (Debian's chromium through playwright-core)
// at a phone and a desktop size, on the fixture of known figures: the chart
// for the screen is shown and fits it, its text stays readable, nothing
// scrolls sideways, a CSV link downloads the file, the period switcher
// works, and the strict CSP reports nothing. Screenshots go to
// artifacts/desk-dashboard/.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { artifactsDir, launchChromium, SIZES } from '../../testing/browser.ts';
import { startTestParley, type TestParley } from '../../testing/test-parley.ts';
import { DeskClient } from '../testing/desk-client.ts';
import { fixedClock, loadDashboardFixture } from './fixture.ts';

const ARTIFACTS = artifactsDir('desk-dashboard');

let service: TestParley;
let browser: Browser;
let cookies: { name: string; value: string; url: string }[];

test.before(async () => {
  service = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false', KB_DEMO: 'false' }, clock: fixedClock });
  await loadDashboardFixture(service.parley.db.knex);
  // Signed in through a real desk link by the HTTP client; the browser takes its cookies.
  const client = new DeskClient(service.url);
  await client.signInAgent(service.parley, 'ada@example.com', 'Ada');
  cookies = [...client.cookies].map(([name, value]) => ({ name, value, url: service.url }));
  browser = await launchChromium();
});

test.after.always(async () => {
  await browser?.close();
  await service?.close();
});

// Run inside the page (strings: this file is type-checked without DOM types).
const LAYOUT = `(() => {
  const visible = [...document.querySelectorAll('svg.chart')].filter((el) => el.getBoundingClientRect().width > 0);
  const chart = visible[0];
  const box = chart ? chart.getBoundingClientRect() : null;
  const viewBoxWidth = chart ? chart.viewBox.baseVal.width : 0;
  const fontUnits = chart ? Number(chart.getAttribute('font-size')) : 0;
  const small = [...document.querySelectorAll('.csv-link, .tabs a, details > summary, a.hbar-label')]
    .map((el) => el.getBoundingClientRect())
    .filter((b) => b.width > 0 && b.height < 43.5).length;
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    visibleCharts: visible.map((el) => el.getAttribute('class')),
    chartLeft: box ? box.left : -1,
    chartRight: box ? box.right : -1,
    chartHeight: box ? box.height : 0,
    /** The chart's text size in CSS pixels, after the SVG is scaled to its box. */
    chartFontPx: box ? (box.width / viewBoxWidth) * fontUnits : 0,
    smallTargets: small,
  };
})()`;

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  visibleCharts: string[];
  chartLeft: number;
  chartRight: number;
  chartHeight: number;
  chartFontPx: number;
  smallTargets: number;
}

function layout(page: Page): Promise<Layout> {
  return page.evaluate<Layout>(LAYOUT);
}

for (const size of SIZES) {
  test.serial(`${size.name}: the dashboard shows readable charts that fit, downloads a CSV, switches period`, async (t) => {
    t.timeout(120_000);
    const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch, acceptDownloads: true });
    t.teardown(() => context.close());
    await context.addCookies(cookies);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));

    await page.goto(`${service.url}/desk/dashboard`);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    t.true(await page.getByRole('img', { name: 'Tickets per day by channel' }).isVisible());
    t.true(await page.locator('#csat').getByText('66.7%').isVisible());
    t.true(await page.locator('#response-times').getByText('5 minutes').isVisible());
    t.true(await page.getByRole('link', { name: 'Refunds, returns & <exchanges>' }).isVisible());

    const view = await layout(page);
    t.true(view.scrollWidth <= view.innerWidth, `no sideways scrolling: ${view.scrollWidth} > ${view.innerWidth}`);
    t.deepEqual(view.visibleCharts, [size.name === 'phone' ? 'chart chart-narrow' : 'chart chart-wide']);
    t.true(view.chartLeft >= 0 && view.chartRight <= view.innerWidth, `chart within the screen: ${view.chartLeft}..${view.chartRight}`);
    t.true(view.chartHeight > 150, `chart tall enough to read: ${view.chartHeight}`);
    t.true(view.chartFontPx >= 10 && view.chartFontPx <= 18, `chart text ${view.chartFontPx.toFixed(1)} px`);
    t.is(view.smallTargets, 0, 'links and toggles are at least 44 px tall');
    await page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-1-dashboard.png`), fullPage: true });
    // Close-ups at full size, to judge the charts by eye.
    for (const card of ['volume', 'csat', 'unhelpful-articles']) await page.locator(`#${card}`).screenshot({ path: path.join(ARTIFACTS, `${size.name}-card-${card}.png`) });

    // A CSV link downloads its file (htmx leaves it alone).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV of handoff reasons' }).click()]);
    t.is(download.suggestedFilename(), 'parley-handoff-reasons-2030-06-01-2030-06-30.csv');
    t.is(fs.readFileSync(await download.path(), 'utf8'), '\uFEFFreason,handoffs\r\ncustomer_request,5\r\nlow_confidence,3\r\n');

    // The period switcher (a boosted link) and the table behind the chart.
    await page.getByRole('link', { name: 'Last 90 days' }).click();
    await page.waitForURL(/days=90/);
    await page.locator('#volume').getByText('15 tickets in this period').waitFor();
    await page.getByText('Tickets per day as a table').click();
    t.true(await page.getByRole('rowheader', { name: '1 May 2030', exact: true }).isVisible());
    const quarter = await layout(page);
    t.true(quarter.scrollWidth <= quarter.innerWidth, `no sideways scrolling with 90 days and the table: ${quarter.scrollWidth}`);
    await page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-2-quarter-table.png`), fullPage: true });

    // An empty period.
    await page.goto(`${service.url}/desk/dashboard?from=2029-01-01&to=2029-01-31`);
    await page.getByText('No tickets in this period.').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-3-empty.png`), fullPage: true });

    t.deepEqual(problems, [], 'no console errors (CSP violations included)');
  });
}
