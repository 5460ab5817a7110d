// Slack message text to the plain text we store: mentions of our bot removed,
// other mentions and channel links made readable, links kept with their
// address, and Slack's three escapes undone.
export function fromSlackText(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.replace(new RegExp(`<@${botUserId}(\\|[^>]*)?>`, 'g'), ' ');
  out = out
    .replace(/<@([UW][A-Z0-9]+)(?:\|([^>]+))?>/g, (_m, id: string, name?: string) => `@${name ?? id}`)
    .replace(/<#([CG][A-Z0-9]+)(?:\|([^>]*))?>/g, (_m, id: string, name?: string) => `#${name || id}`)
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]+))?>/g, (_m, name?: string) => name ?? '@group')
    .replace(/<!date\^[^|>]+\|([^>]+)>/g, '$1')
    .replace(/<((?:https?|mailto):[^|>]+)\|([^>]+)>/g, (_m, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<((?:https?|mailto):[^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

/** Slack timestamps ("1700000000.123456") to epoch milliseconds. */
export function slackTsToMs(ts: string | undefined, fallback: number): number {
  const n = Number(ts);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : fallback;
}
