import test from 'ava';
import { withCitations } from './citations.ts';
import { toDiscordMarkdown, toSlackMrkdwn, toTeamsMarkdown } from './markdown.ts';

const sample = [
  '# Reset your password',
  '',
  'Open **Settings**, choose *Security* and ~~wait~~ click [Reset](https://help.example/reset?a=1&b=2).',
  'Type `a < b` & see ![diagram](https://help.example/d.png). <b>raw</b>',
  '',
  '- first',
  '- second',
  '  1. nested',
  '',
  '```sh',
  'echo "<ok>" && ls',
  '```',
  '',
  '> quoted',
].join('\n');

test('Slack mrkdwn: its own emphasis, <url|label> links, escapes, bullets, no raw HTML', (t) => {
  const out = toSlackMrkdwn(sample);
  t.true(out.startsWith('*Reset your password*'));
  t.regex(out, /Open \*Settings\*, choose _Security_ and ~wait~ click <https:\/\/help\.example\/reset\?a=1&amp;b=2\|Reset>\./);
  t.regex(out, /`a &lt; b` &amp; see <https:\/\/help\.example\/d\.png\|diagram>\./);
  t.notRegex(out, /<b>|raw<\/b>/);
  t.regex(out, /^• first\n• second\n {4}1\. nested$/m);
  t.regex(out, /```\necho "&lt;ok&gt;" &amp;&amp; ls\n```/);
  t.regex(out, /^> quoted$/m);
});

test('Discord keeps CommonMark, turns images into links and escapes literal markup', (t) => {
  const out = toDiscordMarkdown(sample);
  t.true(out.startsWith('# Reset your password'));
  t.regex(out, /\*\*Settings\*\*, choose \*Security\* and ~~wait~~ click \[Reset\]\(https:\/\/help\.example\/reset\?a=1&b=2\)/);
  t.regex(out, /\[diagram\]\(https:\/\/help\.example\/d\.png\)/);
  t.regex(out, /```sh\necho "<ok>" && ls\n```/);
  t.is(toDiscordMarkdown('2 * 3 * 4 and a_b_c'), '2 \\* 3 \\* 4 and a\\_b\\_c');
});

test('links with unsafe schemes are dropped, their words kept', (t) => {
  t.is(toSlackMrkdwn('[click](javascript:alert(1))'), 'click');
  t.is(toDiscordMarkdown('[click](javascript:alert(1))'), 'click');
});

test('citation markers link to their articles and a numbered source list follows', (t) => {
  const md = withCitations({
    text: 'Use Settings [1] then Security [2]; see also [3] and `[1]`.',
    citations: [
      { articleId: 1, title: 'Reset a forgotten password', url: 'https://kb.example/a/reset' },
      { articleId: 2, title: 'Security [settings]', url: 'https://kb.example/a/security' },
    ],
    meta: {},
  });
  const slack = toSlackMrkdwn(md);
  t.regex(slack, /Settings <https:\/\/kb\.example\/a\/reset\|\[1\]> then Security <https:\/\/kb\.example\/a\/security\|\[2\]>; see also \[3\] and `\[1\]`\./);
  t.regex(slack, /\*Sources\*\n\n1\. <https:\/\/kb\.example\/a\/reset\|Reset a forgotten password>\n2\. <https:\/\/kb\.example\/a\/security\|Security settings>/);
  t.regex(toTeamsMarkdown(md), /Settings \[\(1\)\]\(https:\/\/kb\.example\/a\/reset\)/);
  t.regex(toDiscordMarkdown(md), /Settings \[\\\[1\\\]\]\(https:\/\/kb\.example\/a\/reset\)/);
  const handoff = withCitations({ text: 'A person will help.', citations: [{ articleId: 1, title: 'T', url: 'https://kb.example/a/t' }], meta: { handoff: { reason: 'low_confidence' } } });
  t.regex(handoff, /\*\*Articles that may help\*\*/);
});
