// Words as retrieval sees them: lowercased, accents folded, stop words and
// question filler dropped, stemmed (Porter). The hashed embedding, the BM25
// index, passage selection and repeat detection all use this one definition,
// so they agree on what a "term" is.
import { stemmer } from 'stemmer';

// English function words plus the filler customers wrap questions in ("is it
// possible", "how can I", "I want to"): they say nothing about the topic.
const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing done down during each few for from further had has have having he her here hers him his how
  i i'd i'll i'm i've if in into is it it's its itself just me more most my myself no nor not now of off on once only or
  other our ours out over own same she should so some such than that the their theirs them then there these they this those
  through to too under until up very was we were what when where which while who whom why will with would you your yours
  yourself possible way want wants like make get please thanks hi hello hey also still need really anyone someone something
  much many
  there's what's let's don't doesn't can't won't isn't`.split(/\s+/),
);

export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** Lowercase words with accents folded; apostrophes kept inside words. */
export function words(text: string): string[] {
  return (
    text
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[\u2018\u2019]/g, "'")
      .match(/[a-z0-9]+(?:'[a-z]+)*/g) ?? []
  );
}

const stemCache = new Map<string, string>();

/** Porter stem of one lowercase word, without its possessive/contraction tail. */
export function stem(word: string): string {
  let cached = stemCache.get(word);
  if (cached === undefined) {
    cached = stemmer(word.replace(/'.*$/, ''));
    if (stemCache.size > 200_000) stemCache.clear();
    stemCache.set(word, cached);
  }
  return cached;
}

/** One token for the lexical index, or null for a stop word. */
export function indexTerm(word: string): string | null {
  const w = word.toLowerCase();
  if (!w || STOP_WORDS.has(w)) return null;
  return stem(w);
}

/** Content terms of a text: stemmed, stop words removed, in order. */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    if (STOP_WORDS.has(w)) continue;
    out.push(stem(w));
  }
  return out;
}
