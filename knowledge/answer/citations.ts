// Citation markers in a model's answer ("[2]", "[1, 3]") refer to the
// numbered sources it was given. The answer we keep numbers its citations
// 1, 2, 3 in the order they first appear, so `citations[i]` is "[i+1]" in the
// text; unknown numbers are dropped. Works on a stream of tokens too (a marker
// may arrive split across tokens), so streamed text equals the final text.
const MARKER = /^\[\s*(\d{1,3}(?:\s*,\s*\d{1,3})*)\s*\]/;
const MAYBE_MARKER = /^\[[\d,\s]*$/;

export class CitationRenumberer {
  private readonly mapping = new Map<number, number>();
  private readonly order: number[] = [];
  private pending = '';

  /** `sources`: how many numbered sources the model was given. */
  constructor(private readonly sources: number) {}

  /** Feeds model text; returns the text that is safe to show now. */
  push(text: string): string {
    this.pending += text;
    let out = '';
    for (;;) {
      const open = this.pending.indexOf('[');
      if (open < 0) {
        out += this.pending;
        this.pending = '';
        return out;
      }
      out += this.pending.slice(0, open);
      this.pending = this.pending.slice(open);
      const marker = MARKER.exec(this.pending);
      if (marker) {
        out += this.rewrite(marker[1]);
        this.pending = this.pending.slice(marker[0].length);
        continue;
      }
      if (MAYBE_MARKER.test(this.pending) && this.pending.length < 24) return out; // wait for more
      out += '[';
      this.pending = this.pending.slice(1);
    }
  }

  /** Whatever was held back at the end of the stream. */
  end(): string {
    const rest = this.pending;
    this.pending = '';
    return rest;
  }

  /** Source numbers (1-based, as given to the model) in citation order. */
  cited(): number[] {
    return [...this.order];
  }

  private rewrite(list: string): string {
    const numbers = list
      .split(',')
      .map((n) => Number(n.trim()))
      .filter((n) => Number.isInteger(n) && n >= 1 && n <= this.sources);
    const renumbered = [...new Set(numbers)].map((n) => {
      let m = this.mapping.get(n);
      if (m === undefined) {
        this.order.push(n);
        m = this.order.length;
        this.mapping.set(n, m);
      }
      return m;
    });
    return renumbered.length ? `[${renumbered.join(', ')}]` : '';
  }
}

/** Renumbers a whole answer at once. */
export function renumberCitations(text: string, sources: number): { text: string; cited: number[] } {
  const r = new CitationRenumberer(sources);
  const out = r.push(text) + r.end();
  return { text: out.trim(), cited: r.cited() };
}
