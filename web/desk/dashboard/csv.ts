// CSV the way spreadsheets read it (RFC 4180): comma separated, CRLF line
// ends, a field with a comma, quote, CR or LF in quotes with its quotes
// doubled. Search terms come from customers, so a text cell that a
// spreadsheet would run as a formula (= + - @, or a leading tab or CR) gets
// a leading apostrophe (OWASP "CSV injection"). Numbers are written as they
// are: they are ours, and -1 must stay a number.
export type CsvCell = string | number | null;

/** Byte order mark: without it Excel reads UTF-8 (customers' search terms) as Latin-1. */
const BOM = '\uFEFF';

export function csvCell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: CsvCell[][]): string {
  return BOM + rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
