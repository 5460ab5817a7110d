// The portal in a real browser (Debian's chromium through playwright-core),
// whole service, bot included: sign in with the link from the outbox, see the
// dashboard, open a ticket while an article is suggested, reply, watch an
// agent's answer arrive live, rate once resolved; at a phone size and a
// desktop size, checking no horizontal scrolling, 44 px targets, visible
// focus and no CSP or script errors. Screenshots go to artifacts/portal/.
import path from 'node:path';
import test from 'ava';
import { artifactsDir, freePort, launchChromium, SIZES } from '../testing/browser.ts';
import { type Browser, type Page } from 'playwright-core';
import { buildAgent, buildCustomer } from '../../core/testing/factories.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { eventually, linkFromMail, outboxMails } from './testing/portal-client.ts';

const ARTIFACTS = artifactsDir('portal');

let service: TestParley;
let browser: Browser;

test.before(async () => {
  // A fixed port, so links built from PUBLIC_URL (sign-in mail, citations) lead back here.
  const port = await freePort();
  service = await startTestParley({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, EMAIL_SMTP_ENABLED: 'false' } });
  const knex = service.parley.db.knex;
  const customer = await buildCustomer(knex, { email: 'ada@example.com', name: 'Ada Lovelace' });
  await knex('identities').insert({ customerId: customer.id, channel: 'email', externalUserId: 'ada@example.com', email: 'ada@example.com', emailVerified: true, createdAt: Date.now() });
  await service.parley.core.receive({
    channel: 'email',
    externalId: '<first@mail.example>',
    threadKey: '<first@mail.example>',
    sender: { externalUserId: 'ada@example.com', email: 'ada@example.com', emailVerified: true, name: 'Ada Lovelace' },
    subject: 'Invoice for October',
    text: 'Could you send me the invoice for October?',
    receivedAt: Date.now(),
    replyRef: { to: 'ada@example.com', references: [] },
  });
  browser = await launchChromium();
});

test.after.always(async () => {
  await browser?.close();
  await service?.close();
});

/** What a phone-first page must hold to: no sideways scrolling, big enough targets. */
// Run inside the page (a string: this file is type-checked without DOM types).
const LAYOUT_CHECK = `(() => {
  const problems = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1) problems.push('horizontal scroll: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
  const targets = document.querySelectorAll('button, input:not([type=hidden]):not([type=radio]), textarea, select, .site-nav a, .tabs a, .ticket-link, .button, .score-option');
  for (const el of targets) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || el.closest('.visually-hidden-form, .skip-link')) continue;
    if (box.height < 43.5 || box.width < 43.5) problems.push('small target ' + el.tagName + ' "' + (el.textContent || '').trim().slice(0, 30) + '" ' + Math.round(box.width) + 'x' + Math.round(box.height));
  }
  return problems;
})()`;

const FOCUS_STYLE = `(() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return { tag: el.tagName, outline: style.outlineStyle };
})()`;

/** What a phone-first page must hold to: no sideways scrolling, big enough targets. */
function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(LAYOUT_CHECK);
}

for (const size of SIZES) {
  test.serial(`${size.name}: sign in from the outbox, dashboard, new ticket with a suggestion, reply, live answer, rating`, async (t) => {
    t.timeout(180_000);
    const { parley, dataDir } = service;
    const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const shot = (step: string) => page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-${step}.png`), fullPage: true });

    // Sign in: ask for a link, take it from the outbox, confirm on the page behind it.
    const linksBefore = new Set(outboxMails(dataDir).map(linkFromMail));
    await page.goto(`${service.url}/`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('Your email address').fill('ada@example.com');
    await shot('1-sign-in');
    await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    // Other mail (the bot's answer by email) shares the outbox: find the new link.
    const link = await eventually(() => outboxMails(dataDir).map(linkFromMail).find((l) => l && !linksBefore.has(l)), 15_000);
    t.truthy(link);
    await page.goto(link);
    await page.getByRole('button', { name: 'Continue and sign in' }).click();

    // The dashboard.
    await page.getByRole('heading', { name: 'Hello, Ada' }).waitFor();
    t.true(await page.getByText('Invoice for October').first().isVisible());
    t.deepEqual(await layoutProblems(page), [], 'dashboard layout');
    await page.keyboard.press('Tab');
    const focus = await page.evaluate<{ tag: string; outline: string }>(FOCUS_STYLE);
    t.not(focus.outline, 'none', `focus is visible on ${focus.tag}`);
    await shot('2-dashboard');

    // A new ticket: an article is suggested while typing.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
    await page.getByRole('heading', { name: 'New ticket' }).waitFor();
    await page.getByLabel('Subject').pressSequentially('Forgot my password', { delay: 15 });
    await page.getByLabel('How can we help?').pressSequentially('How do I reset my password? The link never arrives.', { delay: 10 });
    const suggestion = page.locator('#suggestions a[href="/kb/reset-password"]');
    await suggestion.waitFor({ timeout: 15_000 });
    t.true(await page.getByRole('button', { name: 'This solved my problem' }).first().isVisible());
    t.deepEqual(await layoutProblems(page), [], 'new ticket layout');
    await shot('3-new-ticket-suggestion');
    await page.getByRole('button', { name: 'Send ticket' }).click();
    await page.waitForURL(/\/tickets\/\d+$/);
    const number = Number(/\/tickets\/(\d+)$/.exec(page.url())![1]);
    await page.locator('#thread').getByText('The link never arrives.').waitFor();

    // A reply from the page.
    await page.getByLabel('Your message').fill('Thanks. I also changed my email address last week.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.locator('#thread').getByText('I also changed my email address').waitFor();
    const ticket = await parley.db.knex('tickets').where({ number }).first();

    // An agent answers: it appears without a reload.
    await page.evaluate('window.__samePage = true');
    await page.waitForFunction("document.querySelector('[sse-connect]') !== null");
    await new Promise((r) => setTimeout(r, 500)); // the stream is connecting
    const agent = await buildAgent(parley.db.knex, { name: 'Sam from Support' });
    await parley.core.reply({ ticketId: ticket.id, authorType: 'agent', authorId: agent.id, text: `Hi Ada, I have sent a fresh reset link (${size.name}).` });
    await page.locator('#thread').getByText(`I have sent a fresh reset link (${size.name})`).waitFor({ timeout: 15_000 });
    t.true(await page.evaluate<boolean>('window.__samePage === true'), 'arrived live, no reload');
    t.true(await page.locator('#thread').getByText('Sam from Support').first().isVisible());

    // Resolved: the rating form appears live; rate it.
    await parley.core.changeStatus(ticket.id, 'resolved', { type: 'agent', id: agent.id });
    await page.getByRole('heading', { name: 'How did we do?' }).waitFor({ timeout: 15_000 });
    t.true(await page.evaluate<boolean>('window.__samePage === true'));
    await page.getByText('5 · Great').click();
    await page.getByLabel('Anything you would like to add? (optional)').fill('Quick and friendly.');
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('You rated our help').waitFor();
    const rating = await parley.db.knex('ratings').where({ ticketId: ticket.id, kind: 'csat' }).first();
    t.is(rating.score, 5);
    t.is(rating.comment, 'Quick and friendly.');
    t.deepEqual(await layoutProblems(page), [], 'ticket layout');
    await shot('4-ticket-rated');
    if (size.name === 'phone') {
      // The narrowest phones in common use: still no sideways scrolling.
      await page.setViewportSize({ width: 360, height: 740 });
      t.deepEqual(await layoutProblems(page), [], 'ticket layout at 360 px');
      await page.goto(`${service.url}/tickets`);
      t.deepEqual(await layoutProblems(page), [], 'ticket list at 360 px');
      await shot('4b-list-360');
      await page.setViewportSize(size.viewport);
    }

    // The help centre article the suggestion pointed to.
    await page.goto(`${service.url}/kb/reset-password`);
    await page.getByRole('heading', { name: 'Reset a forgotten password' }).waitFor();
    t.deepEqual(await layoutProblems(page), [], 'article layout');
    await shot('5-article');

    t.deepEqual(problems, [], 'no console errors (CSP violations included)');
  });
}

