// The dashboard through the whole service: a signed-in agent sees the true
// figures of a fixture with known answers and downloads them as CSV; signed
// out, or signed in as a customer, nobody sees them.
import test from 'ava';
import { buildCustomer } from '../../../core/testing/factories.ts';
import { PortalClient } from '../../portal/testing/portal-client.ts';
import { startTestParley, type TestParley } from '../../testing/test-parley.ts';
import { DeskClient } from '../testing/desk-client.ts';
import { fixedClock, loadDashboardFixture } from './fixture.ts';

let service: TestParley;
let agent: DeskClient;

test.before(async () => {
  service = await startTestParley({ env: { EMAIL_SMTP_ENABLED: 'false', KB_BOT: 'false', KB_DEMO: 'false' }, clock: fixedClock });
  await loadDashboardFixture(service.parley.db.knex);
  agent = new DeskClient(service.url);
  await agent.signInAgent(service.parley, 'ada@example.com', 'Ada');
});

test.after.always(async () => {
  await service?.close();
});

/** The text of the element with this id, tags removed and spaces squeezed, to assert on what a person reads. */
function sectionText(html: string, id: string): string {
  const at = html.indexOf(`id="${id}"`);
  if (at < 0) return '';
  const start = html.indexOf('>', at) + 1;
  const end = html.indexOf('</section>', start);
  return html
    .slice(start, end)
    .replace(/<title[\s\S]*?<\/title>|<desc[\s\S]*?<\/desc>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

test('the dashboard shows the true figures of the last 30 days', async (t) => {
  const { res, html } = await agent.get('/desk/dashboard');
  t.is(res.status, 200);
  t.regex(html, /<h1>Dashboard<\/h1>/);
  t.regex(html, /1 Jun 2030 – 30 Jun 2030 \(UTC\)/);
  t.regex(html, /<a href="\/desk\/dashboard\?days=30" aria-current="page">Last 30 days<\/a>/);

  const volume = sectionText(html, 'volume');
  t.regex(volume, /^Tickets by channel 10 tickets in this period/);
  t.regex(volume, /Web 6 Email 3 Slack 1/);
  t.regex(html, /<desc id="volume-narrow-desc">10 tickets over 30 days: Web 6, Email 3, Slack 1\. Busiest day 28 Jun 2030 with 5\.<\/desc>/);
  t.regex(html, /<title>28 Jun: 5 tickets \(Web 2, Email 3\)<\/title>/);
  t.regex(volume, /29 Jun 2030 4 0 0 4/, 'the table has the day: Web, Email, Slack, total');

  t.regex(sectionText(html, 'response-times'), /First response Median 5 minutes 90th percentile 9 minutes 10 tickets Resolution Median 5 hours 90th percentile 9 hours 10 tickets/);
  const csat = sectionText(html, 'csat');
  t.regex(csat, /CSAT \(4 or 5 out of 5\) 66\.7% 6 responses, average 4\.0/);
  t.regex(csat, /Survey response rate 60% 6 of 10 surveys answered/);
  t.regex(csat, /Bot 75% \(4 responses\) Human 50% \(2 responses\)/);
  t.regex(sectionText(html, 'bot'), /Resolved with no human 70% 7 of 10 resolved tickets Bot answers 12 Handoffs to a person 8/);
  t.regex(sectionText(html, 'deflection'), /60% 6 solved by a suggestion, 4 tickets sent from the form/);
  t.regex(sectionText(html, 'handoff-reasons'), /Customer asked for a person 5 Bot was not confident 3/);
  const searches = sectionText(html, 'unanswered-searches');
  t.regex(searches, /“refund policy” 4 searches “=HYPERLINK\(&#34;http:\/\/evil\.example&#34;,&#34;click, here&#34;\)” 2 searches/);
  t.notRegex(searches, /reset password/, 'a search with a good answer is not listed');
  // Titles are escaped and link to the article.
  t.regex(html, /<a class="hbar-label" href="\/kb\/refunds">Refunds, returns &amp; &lt;exchanges><\/a>/);
  t.regex(sectionText(html, 'unhelpful-articles'), /most unhelpful first\. Refunds, returns &amp; &lt;exchanges> 3 of 4 Reset your password 1 of 1/);
  t.regex(html, /href="\/desk\/dashboard\/unanswered-searches\.csv\?days=30" download="" hx-boost="false"/);
});

test('the period switcher: 7 and 90 days, and a date range', async (t) => {
  const week = await agent.get('/desk/dashboard?days=7');
  t.regex(sectionText(week.html, 'volume'), /10 tickets in this period/);
  t.regex(week.html, /href="\/desk\/dashboard\/volume\.csv\?days=7"/);
  const quarter = await agent.get('/desk/dashboard?days=90');
  t.regex(sectionText(quarter.html, 'volume'), /15 tickets in this period/);
  t.regex(sectionText(quarter.html, 'volume'), /Web 6 Email 8 Slack 1/);
  const may = await agent.get('/desk/dashboard?from=2030-05-01&to=2030-05-02');
  t.regex(sectionText(may.html, 'volume'), /5 tickets in this period/);
  t.regex(may.html, /href="\/desk\/dashboard\/volume\.csv\?from=2030-05-01&to=2030-05-02"/);
  t.is((await agent.get('/desk/dashboard?days=8')).res.status, 400);
  t.is((await agent.get('/desk/dashboard?from=2030-02-31&to=2030-03-01')).res.status, 400);
});

test('an empty period says so instead of drawing a chart', async (t) => {
  const { res, html } = await agent.get('/desk/dashboard?from=2029-01-01&to=2029-01-31');
  t.is(res.status, 200);
  t.regex(sectionText(html, 'volume'), /No tickets in this period\./);
  t.notRegex(html, /<svg class="chart/);
  t.regex(sectionText(html, 'response-times'), /No first responses in this period\. Resolution No tickets resolved in this period\./);
  t.regex(sectionText(html, 'handoff-reasons'), /No handoffs in this period\./);
  t.regex(sectionText(html, 'unhelpful-articles'), /No article was rated unhelpful\./);
});

test('each figure downloads as CSV with the exact rows', async (t) => {
  const csv = async (path: string) => {
    const res = await agent.request('GET', path, { headers: { accept: 'text/csv' } });
    // Keep the byte order mark: res.text() would drop it.
    return { res, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer()) };
  };
  const searches = await csv('/desk/dashboard/unanswered-searches.csv?days=30');
  t.is(searches.res.status, 200);
  t.is(searches.res.headers.get('content-type'), 'text/csv; charset=utf-8');
  t.is(searches.res.headers.get('content-disposition'), 'attachment; filename="parley-unanswered-searches-2030-06-01-2030-06-30.csv"');
  t.is(searches.text, '\uFEFFterm,searches\r\nrefund policy,4\r\n"\'=HYPERLINK(""http://evil.example"",""click, here"")",2\r\n');

  t.is((await csv('/desk/dashboard/response-times.csv')).text, '\uFEFFmeasure,count,median_seconds,p90_seconds\r\nfirst_response,10,300,540\r\nresolution,10,18000,32400\r\n');
  t.is((await csv('/desk/dashboard/csat.csv')).text, '\uFEFFanswered_by,responses,csat_percent,average_score\r\nall,6,66.7,4\r\nbot,4,75,4\r\nhuman,2,50,4\r\n');
  t.is((await csv('/desk/dashboard/surveys.csv')).text, '\uFEFFsurveys_sent,surveys_answered,response_rate_percent\r\n10,6,60\r\n');
  t.is((await csv('/desk/dashboard/bot.csv')).text, '\uFEFFbot_answers,resolved,resolved_without_human,bot_resolution_rate_percent,handoffs\r\n12,10,7,70,8\r\n');
  t.is((await csv('/desk/dashboard/handoff-reasons.csv')).text, '\uFEFFreason,handoffs\r\ncustomer_request,5\r\nlow_confidence,3\r\n');
  t.is((await csv('/desk/dashboard/deflection.csv')).text, '\uFEFFdeflected,tickets_from_form,deflection_rate_percent\r\n6,4,60\r\n');
  const articles = (await csv('/desk/dashboard/unhelpful-articles.csv')).text.split('\r\n');
  t.is(articles[0], '\uFEFFarticle_id,title,slug,unhelpful,helpful');
  t.regex(articles[1]!, /^\d+,"Refunds, returns & <exchanges>",refunds,3,1$/);
  t.regex(articles[2]!, /^\d+,Reset your password,reset-password,1,0$/);

  const volume = await csv('/desk/dashboard/volume.csv?days=7');
  t.is(volume.res.headers.get('content-disposition'), 'attachment; filename="parley-volume-2030-06-24-2030-06-30.csv"');
  t.deepEqual(volume.text.split('\r\n'), [
    '\uFEFFday,webchat,email,slack,teams,discord,total',
    '2030-06-24,0,0,0,0,0,0',
    '2030-06-25,0,0,0,0,0,0',
    '2030-06-26,0,0,0,0,0,0',
    '2030-06-27,0,0,0,0,0,0',
    '2030-06-28,2,3,0,0,0,5',
    '2030-06-29,4,0,0,0,0,4',
    '2030-06-30,0,0,1,0,0,1',
    '',
  ]);

  t.is((await csv('/desk/dashboard/nonsense.csv')).res.status, 404);
  t.is((await csv('/desk/dashboard/volume.json')).res.status, 404);
  t.is((await csv('/desk/dashboard/volume.csv?days=3')).res.status, 400);
});

test('signed out: the page asks for the desk sign-in, a CSV answers 401', async (t) => {
  const anonymous = new DeskClient(service.url);
  const page = await anonymous.get('/desk/dashboard?days=7');
  t.is(page.res.status, 302);
  t.is(page.res.headers.get('location'), `/desk/sign-in?next=${encodeURIComponent('/desk/dashboard?days=7')}`);
  const csv = await anonymous.get('/desk/dashboard/volume.csv');
  t.is(csv.res.status, 401);
  t.notRegex(csv.html, /2030-06-28/);
});

test('a signed-in customer cannot open the dashboard', async (t) => {
  await buildCustomer(service.parley.db.knex, { email: 'customer@example.com', name: 'Customer' });
  const customer = new PortalClient(service.url);
  await customer.signIn(service.parley, 'customer@example.com');
  const page = await customer.get('/desk/dashboard');
  t.is(page.res.status, 302);
  t.regex(page.res.headers.get('location') ?? '', /^\/desk\/sign-in\?next=/);
  t.is((await customer.get('/desk/dashboard/csat.csv')).res.status, 401);
});
