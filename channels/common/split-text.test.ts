import test from 'ava';
import { splitText } from './split-text.ts';

test('short text stays one part', (t) => {
  t.deepEqual(splitText('Hello there', 100), ['Hello there']);
});

test('every part respects the limit and prefers paragraph breaks', (t) => {
  const paragraph = 'word '.repeat(30).trim(); // 149 chars
  const text = [paragraph, paragraph, paragraph].join('\n\n');
  const parts = splitText(text, 200);
  t.is(parts.length, 3);
  for (const part of parts) {
    t.true(part.length <= 200);
    t.is(part, paragraph);
  }
});

test('a single long word is cut hard rather than overflowing', (t) => {
  const parts = splitText('x'.repeat(250), 100);
  t.true(parts.every((p) => p.length <= 100));
  t.is(parts.join(''), 'x'.repeat(250));
});

test('a code fence cut in two is closed and reopened', (t) => {
  const code = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n');
  const text = `Intro\n\n\`\`\`js\n${code}\n\`\`\`\n\nOutro`;
  const parts = splitText(text, 120);
  t.true(parts.length > 2);
  for (const part of parts) {
    t.true(part.length <= 120, part);
    const fences = part.split('\n').filter((l) => l.startsWith('```')).length;
    t.is(fences % 2, 0, `unbalanced fences in ${JSON.stringify(part)}`);
  }
  t.true(parts[1]!.startsWith('```js\n'));
  t.true(parts.at(-1)!.endsWith('Outro'));
});
