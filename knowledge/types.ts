// What the knowledge base hands its users (the bot, the portal, the widget,
// the CLI). Plain data: ids, text and URLs, nothing tied to a database row.

export type ArticleStatus = 'draft' | 'published';
export const ARTICLE_STATUSES: readonly ArticleStatus[] = ['draft', 'published'];

export interface Category {
  id: number;
  parentId: number | null;
  slug: string;
  name: string;
  description: string | null;
  position: number;
}

export interface CategoryNode extends Category {
  /** Published articles directly in this category. */
  articleCount: number;
  children: CategoryNode[];
}

export interface ArticleSummary {
  id: number;
  slug: string;
  title: string;
  /** First paragraph as plain text. */
  summary: string;
  categoryId: number | null;
  tags: string[];
  status: ArticleStatus;
  updatedAt: number;
  /** `${publicUrl}/kb/<slug>` */
  url: string;
}

export interface Article extends ArticleSummary {
  /** Markdown. */
  body: string;
  createdAt: number;
  viewCount: number;
  helpfulCount: number;
  notHelpfulCount: number;
}

/** What an import or an edit supplies for one article. */
export interface ArticleInput {
  /** Identity across re-imports; derived from the title when absent. */
  slug?: string;
  title: string;
  body: string;
  /** "Billing" or "Billing/Invoices" (one level of nesting). */
  category?: string;
  tags?: string[];
  status?: ArticleStatus;
}

export interface Passage {
  chunkId: number;
  /** Where the chunk sits in its article (0 = first). */
  position: number;
  /** The chunk's markdown. */
  text: string;
}

export interface SearchHit {
  article: ArticleSummary;
  /** Calibrated: roughly the probability that this article answers the query. */
  score: number;
  /** The article's best-matching chunks, best first. */
  passages: Passage[];
}

export interface Citation {
  articleId: number;
  title: string;
  url: string;
}

export const HANDOFF_REASONS = ['low_confidence', 'customer_request', 'repeated_question', 'model_error'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** One earlier turn of the conversation, oldest first. */
export interface HistoryTurn {
  role: 'customer' | 'bot' | 'agent';
  text: string;
  /** For bot turns: what that answer cited. */
  citations?: Citation[];
  /** For bot turns: the answer handed the conversation to a person. */
  handoff?: boolean;
}

export interface Answer {
  text: string;
  citations: Citation[];
  /** Calibrated confidence of the retrieval behind the answer (0..1). */
  confidence: number;
  /** Present when the bot does not answer and a person should take over. */
  handoff?: { reason: HandoffReason };
  /** The standalone question that was searched (condensed from the conversation when a chat model is configured). */
  question: string;
  /** 'small_talk' for greetings and thanks: a reply, not an answer from the knowledge base. */
  kind: 'answer' | 'small_talk' | 'handoff';
}
