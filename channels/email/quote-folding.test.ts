import test from 'ava';
import { foldHtml, foldText, REPLY_MARKER } from './quote-folding.ts';

test('a Gmail reply keeps the new text; the wrapped attribution and the quote are folded', (t) => {
  const text = [
    'Yes, I am providing you the steps.',
    '',
    'On Thu, Aug 19, 2021 at 2:07 PM Tejaswini from Email sender test <',
    'tejaswini@chatwoot.com> wrote:',
    '',
    '> Hi, can you tell us how to reproduce it?',
    '>',
  ].join('\n');
  t.deepEqual(foldText(text), { text: 'Yes, I am providing you the steps.', folded: true });
});

test('our reply marker cuts everything below it', (t) => {
  const text = `Thanks, that worked.\n\n${REPLY_MARKER}\n\nWe have received your request [#4].`;
  t.deepEqual(foldText(text), { text: 'Thanks, that worked.', folded: true });
});

test('Outlook headers, trailing quote blocks, signatures and mobile footers are folded', (t) => {
  const outlook = ['See the log attached.', '', '________________________________', 'From: Support <support@x.test>', 'Sent: Monday', 'Old text'].join('\n');
  t.is(foldText(outlook).text, 'See the log attached.');

  const original = ['Still broken.', '', '-----Original Message-----', 'From: a@b.test'].join('\n');
  t.is(foldText(original).text, 'Still broken.');

  const bottomQuote = ['Answer one', '', '> question one', '> question two', ''].join('\n');
  t.is(foldText(bottomQuote).text, 'Answer one');

  const signed = ['Please call me back.', '', '-- ', 'Jane Doe', 'ACME Corp'].join('\n');
  t.is(foldText(signed).text, 'Please call me back.');

  const mobile = ['On my way.', '', 'Sent from my iPhone'].join('\n');
  t.is(foldText(mobile).text, 'On my way.');
});

test('interleaved answers stay; a message that is only a quote is kept whole', (t) => {
  const interleaved = ['> Which version?', '2.1', '> Which OS?', 'Linux'].join('\n');
  t.is(foldText(interleaved).text, interleaved);
  const onlyQuote = ['> just a quote'].join('\n');
  t.deepEqual(foldText(onlyQuote), { text: '> just a quote', folded: false });
  const forwarded = ['FYI', '', '---------- Forwarded message ---------', 'From: someone', 'The content'].join('\n');
  t.is(foldText(forwarded).text, forwarded, 'forwarded content is meant to be read');
});

test('HTML quote containers are folded; the rest is kept for the core to sanitise', (t) => {
  const html = '<div dir="ltr">Yes, here are the steps</div><br><div class="gmail_quote"><div class="gmail_attr">On Thu ... wrote:</div><blockquote class="gmail_quote">old</blockquote></div>';
  const folded = foldHtml(html);
  t.true(folded.folded);
  t.is(folded.text, '<div dir="ltr">Yes, here are the steps</div><br />');
  const apple = '<div>New</div><blockquote type="cite">Old</blockquote>';
  t.is(foldHtml(apple).text, '<div>New</div>');
  const nothing = '<blockquote type="cite">only old</blockquote>';
  t.deepEqual(foldHtml(nothing), { text: nothing, folded: false });
});
