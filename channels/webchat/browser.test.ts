// The widget in a real browser (Debian's chromium through playwright-core)
// against /demo on the whole service, bot included: ask a knowledge-base
// question, get the answer with its article card, rate it, ask for a person,
// reload and find the history, at a phone size and a desktop size.
// Screenshots go to artifacts/webchat/.
import path from 'node:path';
import test from 'ava';
import { artifactsDir, freePort, launchChromium, SIZES } from '../../web/testing/browser.ts';
import { type Browser } from 'playwright-core';
import { Rating, Ticket } from '../../core/index.ts';
import { startTestParley, type TestParley } from '../../web/testing/test-parley.ts';

const ARTIFACTS = artifactsDir('webchat');

let service: TestParley;
let browser: Browser;

test.before(async () => {
  // A fixed port, so the links the bot writes (PUBLIC_URL) point at this service.
  const port = await freePort();
  service = await startTestParley({
    env: { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, EMAIL_SMTP_ENABLED: 'false', WEBCHAT_AGENT_WAIT_S: '0' },
  });
  browser = await launchChromium();
});

test.after.always(async () => {
  await browser?.close();
  await service?.close();
});

for (const size of SIZES) {
  test.serial(`${size.name}: ask, see the cited answer, rate it, ask for a person, reload and see the history`, async (t) => {
    const context = await browser.newContext({ viewport: size.viewport, isMobile: size.isMobile, hasTouch: size.hasTouch });
    t.teardown(() => context.close());
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    const shot = (step: string) => page.screenshot({ path: path.join(ARTIFACTS, `${size.name}-${step}.png`) });

    await page.goto(`${service.url}/demo`);
    // Located by attribute: on a phone the open panel covers it (and hides it).
    const launcher = page.locator('button[aria-label="Chat with us"]');
    await launcher.focus();
    await page.keyboard.press('Enter');
    await page.locator('button[aria-label="Chat with us"][aria-expanded="true"]').waitFor({ state: 'attached' });
    const chat = page.frameLocator('iframe[title="Support chat"]');
    const box = chat.getByLabel('Your message');
    await box.waitFor();
    if (size.name === 'phone') {
      // Full screen on a phone.
      const frame = await page.locator('iframe[title="Support chat"]').boundingBox();
      t.deepEqual([frame?.width, frame?.height], [390, 844]);
    }
    t.is(await chat.getByRole('log').getAttribute('aria-live'), 'polite');

    await box.fill('How do I reset my password?');
    const asked = Date.now();
    await box.press('Enter');
    const card = chat.locator('.msg-bot .card').first();
    await card.waitFor({ timeout: 10_000 });
    const answeredMs = Date.now() - asked;
    t.log(`${size.name}: cited answer shown ${answeredMs} ms after sending`);
    t.true(answeredMs < 3000, `answer took ${answeredMs} ms`);
    t.regex((await card.textContent()) ?? '', /password/i);
    t.regex((await card.getAttribute('href')) ?? '', /\/kb\/reset-password$/);
    t.is(await card.getAttribute('rel'), 'noopener noreferrer');
    await shot('1-answer');

    await chat.getByRole('button', { name: 'Yes' }).click();
    await chat.getByText('Glad it helped').waitFor();
    const ticketId = await latestTicketId();
    const answerRating = await Rating.query(service.parley.db.knex).where({ kind: 'answer', ticketId }).first();
    t.is(answerRating?.score, 1);

    await chat.getByRole('button', { name: 'Talk to a person' }).click();
    await chat.getByText('A person from our team will reply here').waitFor();
    const ticket = await Ticket.query(service.parley.db.knex).findById(ticketId);
    t.is(ticket?.handler, 'human');
    t.is(ticket?.handoffReason, 'customer_request');
    // Nobody answers (the wait is 0 here): the widget asks where to send the answer.
    await chat.getByLabel('Email address').waitFor();
    await shot('2-handoff');

    await page.reload();
    // The widget was open, so it opens again; the conversation is restored.
    const again = page.frameLocator('iframe[title="Support chat"]');
    await again.locator('.msg-bot .card').first().waitFor();
    t.is(await again.locator('.msg-customer').first().textContent().then((s) => s?.includes('How do I reset my password?')), true);
    await again.getByText('A person from our team will reply here').waitFor();
    await shot('3-reloaded');

    await again.getByRole('button', { name: 'Your conversations' }).click();
    const listed = again.locator('.conversation');
    await listed.first().waitFor();
    t.is(await listed.count(), 1);
    t.regex((await listed.first().textContent()) ?? '', /reset my password/i);
    await shot('4-history');

    // Closing hands focus back to the launcher on the host page.
    await again.getByRole('button', { name: 'Start a new conversation' }).click();
    await again.getByText('Hi! How can we help?').waitFor();
    await again.getByLabel('Your message').press('Escape');
    // Escape travels to the host page by postMessage, so the close is asynchronous.
    await page.locator('button[aria-label="Chat with us"][aria-expanded="false"]').waitFor();
    t.true(await launcher.evaluate((el) => el === el.ownerDocument.activeElement));

    t.deepEqual(problems, [], 'no console errors (CSP violations show up here)');
  });
}

async function latestTicketId(): Promise<number> {
  const row = await service.parley.db.knex('tickets').where({ channel: 'webchat' }).orderBy('id', 'desc').first('id');
  return row.id;
}


