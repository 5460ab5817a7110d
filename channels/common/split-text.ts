// Splits a long text into parts no longer than a platform's message limit
// (Slack section blocks, Discord messages, Teams activities). Parts break at
// the best boundary available: a blank line, then a line end, then a space,
// and only as a last resort inside a word. A fenced code block cut in two is
// closed at the end of one part and reopened at the start of the next, so
// both halves still render as code.

const FENCE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

export function splitText(text: string, limit: number): string[] {
  if (!Number.isInteger(limit) || limit < 20) throw new RangeError('limit must be an integer of at least 20');
  const parts: string[] = [];
  let rest = text.replace(/\s+$/, '');
  let reopen = '';
  while (rest.length > 0) {
    const budget = limit - reopen.length;
    if (rest.length <= budget) {
      parts.push(reopen + rest);
      break;
    }
    let cut = bestCut(rest, budget - 4); // room to close an open fence ("\n```")
    let part = rest.slice(0, cut).replace(/\s+$/, '');
    if (!part.trim()) {
      cut = budget - 4;
      part = rest.slice(0, cut);
    }
    const open = openFence(reopen + part);
    parts.push(open ? `${reopen}${part}\n${open.marker}` : reopen + part);
    reopen = open ? `${open.marker}${open.info}\n` : '';
    rest = rest.slice(cut).replace(/^[ \t]*\n/, '').replace(/^\s+(?=\S)/, (ws) => (reopen ? ws : ''));
  }
  return parts.length ? parts : [''];
}

function bestCut(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const floor = Math.floor(max / 3); // never leave a uselessly short part
  for (const boundary of ['\n\n', '\n', ' ']) {
    const at = window.lastIndexOf(boundary, max);
    if (at >= floor) return at + (boundary === ' ' ? 1 : boundary.length);
  }
  return max;
}

/** The fence left open at the end of `text`, if any. */
function openFence(text: string): { marker: string; info: string } | undefined {
  let open: { marker: string; info: string } | undefined;
  for (const line of text.split('\n')) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const marker = m[1]!;
    if (!open) open = { marker, info: m[2]!.trim() };
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && !m[2]!.trim()) open = undefined;
  }
  return open;
}
