import test from 'ava';
import { CitationRenumberer, renumberCitations } from './citations.ts';
import { smallTalk, wantsHuman } from './intents.ts';

test('citations are renumbered in order of first use; unknown numbers dropped', (t) => {
  const { text, cited } = renumberCitations('See [3]. Also [1, 3] and [7]. Arrays like a[i] stay.', 4);
  t.is(text, 'See [1]. Also [2, 1] and . Arrays like a[i] stay.');
  t.deepEqual(cited, [3, 1]);
});

test('a marker split across streamed tokens is renumbered like a whole one', (t) => {
  const r = new CitationRenumberer(3);
  const out = ['Reset it ', '[', '2', ']. Then [', '1,', ' 2]', ' done [x]'].map((p) => r.push(p)).join('') + r.end();
  t.is(out, 'Reset it [1]. Then [2, 1] done [x]');
  t.deepEqual(r.cited(), [2, 1]);
});

test('requests for a person are recognised, questions about people are not', (t) => {
  for (const text of ['I want to talk to a person', 'Can I speak with someone?', 'human please', 'AGENT', 'connect me to a real human', 'I need a representative', 'stop the bot', 'I would like to chat with your support team']) {
    t.true(wantsHuman(text), text);
  }
  for (const text of ['How do I add a person to my team?', 'Can someone else see my boards?', 'How do I invite people?', 'agent roles and permissions for guests']) {
    t.false(wantsHuman(text), text);
  }
});

test('bare greetings and thanks are small talk; a greeting with a question is not', (t) => {
  t.is(smallTalk('Hello!'), 'greeting');
  t.is(smallTalk('good morning team'), 'greeting');
  t.is(smallTalk('Thanks a lot!'), 'thanks');
  t.is(smallTalk('ok that worked, thanks'), 'thanks');
  t.is(smallTalk('Hi, how do I reset my password?'), undefined);
});
