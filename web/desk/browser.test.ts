// The desk in a real browser (Debian's chromium through playwright-core),
// beside a customer in the chat widget: the customer asks for a person, the
// conversation appears in the agent's inbox without a reload, the agent opens
// it, sends a reply, and the customer's widget shows it live; at a phone and
// a desktop size, with no sideways scrolling and no CSP or script errors.
// Screenshots go to artifacts/desk/.
import path from 'node:path';
import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { AGENT_LINKS, LoginLinks } from '../auth/login-links.ts';
import { artifactsDir, freePort, launchChromium, SIZES } from '../testing/browser.ts';
import { startTestParley, type TestParley } from '../testing/test-parley.ts';
import { addAgent } from './agents.ts';

const ARTIFACTS = artifactsDir('desk');

let service: TestParley;
let browser: Browser;

test.before(async () => {
  const port = await freePort();
  service = await startTestParley({ env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, EMAIL_SMTP_ENABLED: 'false', WEBCHAT_AGENT_WAIT_S: '0' } });
  browser = await launchChromium();
});

test.after.always(async () => {
  await browser?.close();
  await service?.close();
});

const NO_SIDEWAYS_SCROLL = '(() => document.documentElement.scrollWidth <= window.innerWidth + 1)()';

function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

for (const size of SIZES) {
  test.serial(`${size.name}: a handed-off chat appears in the inbox live and the agent's reply reaches the widget`, async (t) => {
    const shot = (page: Page, step: string) => page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-${step}.png`), fullPage: false });
    const options = { viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch };

    // The agent signs in with a link (as from the email) and opens the inbox.
    const { agent } = await addAgent(service.parley.db.knex, service.parley.clock, { email: `ann-${size.name}@acme.test`, name: 'Ann Agent' });
    const links = new LoginLinks({ knex: service.parley.db.knex, clock: service.parley.clock, publicUrl: service.url, ttlMs: 600_000, audience: AGENT_LINKS });
    const deskContext = await browser.newContext(options);
    t.teardown(() => deskContext.close());
    const desk = await deskContext.newPage();
    const deskProblems = watchProblems(desk);
    await desk.goto((await links.issue(agent.id, agent.email)).url);
    await desk.getByRole('button', { name: 'Continue and sign in' }).click();
    await desk.getByRole('heading', { name: 'Inbox' }).waitFor();
    await shot(desk, '1-inbox-before');

    // The customer asks for a person in the widget.
    const chatContext = await browser.newContext(options);
    t.teardown(() => chatContext.close());
    const site = await chatContext.newPage();
    const chatProblems = watchProblems(site);
    await site.goto(`${service.url}/demo`);
    await site.locator('button[aria-label="Chat with us"]').click();
    const chat = site.frameLocator('iframe[title="Support chat"]');
    const subject = `I want to talk to a human about my ${size.name} bill`;
    await chat.getByLabel('Your message').fill(subject);
    await chat.getByLabel('Your message').press('Enter');
    await chat.getByText('A person from our team will reply here').waitFor();

    // It shows up in the open inbox without a reload.
    const row = desk.locator('.inbox-row', { hasText: subject });
    await row.waitFor({ timeout: 10_000 });
    t.regex((await row.textContent()) ?? '', /Customer asked for a person/);
    t.true(await desk.evaluate(NO_SIDEWAYS_SCROLL), 'inbox: no sideways scrolling');
    await shot(desk, '2-inbox-live');

    await row.locator('a').click();
    await desk.getByRole('heading', { name: subject }).waitFor();
    t.regex(await desk.locator('.handoff-reason').textContent() ?? '', /Customer asked for a person/);
    await desk.getByLabel('Message').fill('Hi! Ann here, I can sort out your bill.');
    await desk.getByRole('button', { name: 'Send', exact: true }).click();
    await desk.getByText('Reply sent to the outbox').waitFor();
    // The thread reloads by itself and shows the reply, then its delivery.
    await desk.locator('.message.from-agent', { hasText: 'Ann here' }).waitFor();
    await desk.locator('.delivery-sent').first().waitFor({ timeout: 10_000 });
    t.true(await desk.evaluate(NO_SIDEWAYS_SCROLL), 'ticket: no sideways scrolling');
    await shot(desk, '3-ticket-replied');

    // The customer's widget shows the answer live.
    await chat.getByText('Ann here, I can sort out your bill.').waitFor({ timeout: 10_000 });
    await shot(site, '4-widget-reply');

    t.deepEqual(deskProblems, [], 'no console errors at the desk (CSP violations show up here)');
    t.deepEqual(chatProblems, [], 'no console errors in the widget');
  });
}
