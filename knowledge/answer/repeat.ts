// "The same question comes back unanswered": the customer asks again what
// they asked before, after the bot had answered it. Similarity is measured
// with the offline hashed embedding (cheap, no network), on the customer's
// own words.
import { HashedEmbeddings } from '../embeddings/hashed.ts';
import { dot } from '../embeddings/space.ts';
import type { HistoryTurn } from '../types.ts';

export class RepeatDetector {
  private readonly embeddings = new HashedEmbeddings({ dimensions: 1024 });

  constructor(
    /** Cosine above which two questions count as the same. */
    private readonly threshold = 0.7,
  ) {}

  /**
   * True when `question` (or one its top article matches) was already asked
   * and answered by the bot earlier in this conversation.
   */
  isRepeat(question: string, history: HistoryTurn[], topArticleId?: number): boolean {
    const current = this.embeddings.vector(question);
    for (let i = 0; i < history.length; i++) {
      const turn = history[i];
      if (turn.role !== 'customer') continue;
      const answer = history.slice(i + 1).find((t) => t.role !== 'customer');
      if (!answer || answer.role !== 'bot' || answer.handoff || !answer.citations?.length) continue;
      const similarity = dot(current, this.embeddings.vector(turn.text));
      if (similarity >= this.threshold) return true;
      // Re-worded, but it leads to the article the bot already gave.
      if (topArticleId !== undefined && similarity >= this.threshold / 2 && answer.citations[0].articleId === topArticleId) return true;
    }
    return false;
  }
}
