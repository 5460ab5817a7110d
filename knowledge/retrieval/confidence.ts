// Calibrated confidence: a logistic model over retrieval features, read as
// "the probability that this article answers the question", so that one
// threshold means the same thing for any corpus.
//
// Fitted on the StackFAQ development split with the offline embedding: the
// first hit of each of its 625 queries (74% of them right), plus the first
// hit of the same queries with the right article removed (always wrong:
// questions the knowledge base cannot answer, yet on the same topics). On
// that set the default threshold, 0.35, answers 69% of the answerable
// questions with 91% of those answers right, and answers 28% of the
// unanswerable ones; 0.5 answers 55% (95% right) and 13%. Off-topic questions
// score far lower (below 0.1 on the demo articles). With another embedding
// model the cosines spread differently: tune KB_CONFIDENCE_THRESHOLD.
import type { RankedArticle } from './hybrid.ts';

export interface ConfidenceFeatures {
  /** Best cosine between the question and one of the article's chunks. */
  cosine: number;
  /** Share of the question's content terms in the article's heading and best passage. */
  coverage: number;
  /** 1 when both retrievers put this article first. */
  agree: number;
  /** How far its cosine is ahead of the best other article (negative when behind). */
  margin: number;
}

export const CONFIDENCE_MODEL = { intercept: -4.153, cosine: 3.274, coverage: 1.397, agree: 1.298, margin: 4.753 };

export function confidence(f: ConfidenceFeatures, model = CONFIDENCE_MODEL): number {
  const z = model.intercept + model.cosine * f.cosine + model.coverage * f.coverage + model.agree * f.agree + model.margin * f.margin;
  return 1 / (1 + Math.exp(-z));
}

/** Confidence of each ranked article, given the others it competes with. */
export function scoreRanked(ranked: RankedArticle[]): number[] {
  return ranked.map((r, i) => {
    const rival = ranked[i === 0 ? 1 : 0];
    return confidence({
      cosine: r.cosine,
      coverage: r.coverage,
      agree: r.vectorRank === 1 && r.lexicalRank === 1 ? 1 : 0,
      margin: rival ? r.cosine - rival.cosine : r.cosine,
    });
  });
}
