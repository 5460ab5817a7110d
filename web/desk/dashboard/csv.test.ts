import test from 'ava';
import { csvCell, toCsv } from './csv.ts';

test('plain cells are written as they are', (t) => {
  t.is(csvCell('refund policy'), 'refund policy');
  t.is(csvCell(42), '42');
  t.is(csvCell(66.7), '66.7');
  t.is(csvCell(null), '');
  t.is(csvCell(Number.NaN), '');
});

test('a comma, quote, CR or LF puts the cell in quotes with quotes doubled', (t) => {
  t.is(csvCell('a,b'), '"a,b"');
  t.is(csvCell('say "hi"'), '"say ""hi"""');
  t.is(csvCell('two\nlines'), '"two\nlines"');
  t.is(csvCell('cr\rhere'), '"cr\rhere"');
});

test('text a spreadsheet would run as a formula gets a leading apostrophe', (t) => {
  t.is(csvCell('=1+1'), "'=1+1");
  t.is(csvCell('+44 20 7946 0000'), "'+44 20 7946 0000");
  t.is(csvCell('-2+3'), "'-2+3");
  t.is(csvCell('@SUM(A1)'), "'@SUM(A1)");
  t.is(csvCell('\tcmd'), "'\tcmd");
  t.is(csvCell('\r=cmd'), `"'\r=cmd"`);
  t.is(csvCell('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  t.is(csvCell('a=b'), 'a=b', 'only a leading character counts');
  t.is(csvCell(-1), '-1', 'numbers are ours and stay numbers');
});

test('a table is CRLF lines after a byte order mark', (t) => {
  t.is(
    toCsv([
      ['term', 'searches'],
      ['sso, saml', 2],
      ['refund', null],
    ]),
    '\uFEFFterm,searches\r\n"sso, saml",2\r\nrefund,\r\n',
  );
  t.is(toCsv([['day', 'total']]), '\uFEFFday,total\r\n', 'an empty period still has its header');
});
