// Answering as a LangChain runnable: condense (a follow-up becomes a
// standalone question, when a chat model is configured) -> retrieve (hybrid
// search) -> respond (a grounded answer with numbered citations from the chat
// model, or an extractive one offline). Before the chain, requests for a person
// and small talk are recognised; inside it, the bot hands off instead of
// guessing: low confidence, a question that comes back, a failing model.
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda, RunnableSequence, type Runnable } from '@langchain/core/runnables';
import type { Logger } from 'pino';
import type { EmbeddingSpace } from '../embeddings/space.ts';
import type { Retrieval, SearchOptions } from '../knowledge-base.ts';
import type { KnowledgeSettings } from '../settings.ts';
import type { Answer, Citation, HandoffReason, HistoryTurn, SearchHit } from '../types.ts';
import { CitationRenumberer } from './citations.ts';
import { extractiveAnswer } from './extractive.ts';
import { smallTalk, wantsHuman } from './intents.ts';
import { loadPrompts, type Prompts } from './prompts.ts';
import { RepeatDetector } from './repeat.ts';
import { emptyQuestionText, handoffText, smallTalkText } from './replies.ts';

export interface AnswerOptions {
  /** Receives the answer text as the chat model writes it (citations already renumbered). */
  onToken?: (text: string) => void;
}

export interface AnswererDeps {
  retrieve(query: string, options: SearchOptions): Promise<Retrieval>;
  space: EmbeddingSpace;
  chatModel?: BaseChatModel;
  settings: KnowledgeSettings;
  logger: Logger;
}

interface State {
  question: string;
  history: HistoryTurn[];
  options: AnswerOptions;
  standalone: string;
  retrieval: Retrieval;
  modelError?: unknown;
}

/** Suggested articles must at least be this plausible. */
const SUGGESTION_FLOOR = 0.05;
const NO_ANSWER = 'NO_ANSWER';

export class Answerer {
  private readonly prompts: Prompts | undefined;
  private readonly repeats = new RepeatDetector();
  private readonly chain: Runnable<State, Answer>;

  constructor(private readonly deps: AnswererDeps) {
    this.prompts = deps.chatModel ? loadPrompts(deps.settings.promptsDir) : undefined;
    this.chain = RunnableSequence.from<State, Answer>([
      RunnableLambda.from((s: State) => this.condense(s)).withConfig({ runName: 'condense' }),
      RunnableLambda.from((s: State) => this.retrieve(s)).withConfig({ runName: 'retrieve' }),
      RunnableLambda.from((s: State) => this.respond(s)).withConfig({ runName: 'respond' }),
    ]);
  }

  async answer(question: string, history: HistoryTurn[], options: AnswerOptions): Promise<Answer> {
    const q = question.trim().slice(0, 4000);
    if (!q) return { kind: 'handoff', text: emptyQuestionText(), citations: [], confidence: 0, handoff: { reason: 'low_confidence' }, question: '' };
    const talk = smallTalk(q);
    if (talk) return { kind: 'small_talk', text: smallTalkText(talk), citations: [], confidence: 1, question: q };
    if (wantsHuman(q)) return this.personRequested(q, history);
    return this.chain.invoke({ question: q, history, options, standalone: q, retrieval: { hits: [] } });
  }

  /** The customer asked for a person: hand off, suggesting articles for what they asked before, if anything. */
  private async personRequested(question: string, history: HistoryTurn[]): Promise<Answer> {
    const earlier = [...history].reverse().find((t) => t.role === 'customer' && !wantsHuman(t.text) && !smallTalk(t.text));
    let suggestions: SearchHit[] = [];
    if (earlier) {
      const retrieval = await this.deps.retrieve(earlier.text, { limit: 3, passages: 1 }).catch(() => ({ hits: [] }) as Retrieval);
      suggestions = retrieval.hits.filter((h) => h.score >= SUGGESTION_FLOOR);
    }
    return this.handoff('customer_request', question, suggestions, suggestions[0]?.score ?? 0);
  }

  private async condense(s: State): Promise<State> {
    if (!this.deps.chatModel || !this.prompts || s.history.length === 0) return s;
    try {
      const chain = this.prompts.condense.pipe(this.deps.chatModel).pipe(new StringOutputParser());
      const standalone = (await chain.invoke({ history: formatHistory(s.history), question: s.question })).trim();
      return { ...s, standalone: standalone && standalone.length < 1000 ? standalone : s.question };
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'answer: condensing the question failed');
      return { ...s, modelError: error };
    }
  }

  private async retrieve(s: State): Promise<State> {
    const limit = Math.max(5, this.deps.settings.answerPassages);
    return { ...s, retrieval: await this.deps.retrieve(s.standalone, { limit, passages: 2 }) };
  }

  private async respond(s: State): Promise<Answer> {
    const { hits } = s.retrieval;
    const top = hits[0];
    const confidence = top?.score ?? 0;
    const suggestions = hits.filter((h) => h.score >= SUGGESTION_FLOOR).slice(0, 3);
    if (s.modelError || s.retrieval.embeddingError) return this.handoff('model_error', s.standalone, suggestions, confidence);
    if (this.repeats.isRepeat(s.question, s.history, top?.article.id)) return this.handoff('repeated_question', s.standalone, suggestions, confidence);
    if (!top || confidence < this.deps.settings.confidenceThreshold) return this.handoff('low_confidence', s.standalone, suggestions, confidence);

    if (!this.deps.chatModel) {
      const second = hits[1] && hits[1].score >= this.deps.settings.confidenceThreshold ? hits[1] : undefined;
      return {
        kind: 'answer',
        text: extractiveAnswer(s.standalone, top, second),
        citations: [top, ...(second ? [second] : [])].map(citationOf),
        confidence,
        question: s.standalone,
      };
    }
    return this.generate(s, confidence, suggestions);
  }

  /** The chat model writes the answer from numbered sources (one number per article). */
  private async generate(s: State, confidence: number, suggestions: SearchHit[]): Promise<Answer> {
    const floor = this.deps.settings.confidenceThreshold / 2;
    const sources = s.retrieval.hits.filter((h, i) => i === 0 || h.score >= floor).slice(0, this.deps.settings.answerPassages);
    const passages = sources
      .map((h, i) => `[${i + 1}] ${h.article.title} (${h.article.url})\n${h.passages.map((p) => p.text).join('\n\n')}`)
      .join('\n\n---\n\n');
    const chain = this.prompts!.answer.pipe(this.deps.chatModel!).pipe(new StringOutputParser());
    const input = { passages, history: formatHistory(s.history) || '(none)', question: s.standalone };
    const renumber = new CitationRenumberer(sources.length);
    const onToken = s.options.onToken;
    let text = '';
    let refused = false;
    try {
      if (onToken) {
        // Hold the first characters back until they cannot be NO_ANSWER.
        let head = '';
        let decided = false;
        const emit = (raw: string) => {
          const out = renumber.push(raw);
          text += out;
          if (out) onToken(out);
        };
        for await (const token of await chain.stream(input)) {
          if (decided) {
            if (!refused) emit(token);
            continue;
          }
          head += token;
          const start = head.trimStart();
          if (start.length < NO_ANSWER.length && NO_ANSWER.startsWith(start)) continue;
          decided = true;
          refused = start.startsWith(NO_ANSWER);
          if (!refused) emit(head);
        }
        if (!decided) {
          refused = head.trim() === NO_ANSWER || head.trim() === '';
          if (!refused) emit(head);
        }
        const rest = renumber.end();
        if (!refused && rest) {
          text += rest;
          onToken(rest);
        }
      } else {
        const raw = (await chain.invoke(input)).trim();
        refused = raw === '' || raw.startsWith(NO_ANSWER);
        if (!refused) text = renumber.push(raw) + renumber.end();
      }
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'answer: the chat model failed');
      return this.handoff('model_error', s.standalone, suggestions, confidence);
    }
    if (refused) return this.handoff('low_confidence', s.standalone, suggestions, confidence);
    const cited = renumber.cited().map((n) => sources[n - 1]);
    return {
      kind: 'answer',
      text: text.trim(),
      // An answer without markers still came from these sources: cite the best one.
      citations: (cited.length ? cited : [sources[0]]).map(citationOf),
      confidence,
      question: s.standalone,
    };
  }

  private handoff(reason: HandoffReason, question: string, suggestions: SearchHit[], confidence: number): Answer {
    return { kind: 'handoff', text: handoffText(reason, suggestions), citations: suggestions.map(citationOf), confidence, handoff: { reason }, question };
  }
}

function citationOf(hit: SearchHit): Citation {
  return { articleId: hit.article.id, title: hit.article.title, url: hit.article.url };
}

function formatHistory(history: HistoryTurn[]): string {
  const who = { customer: 'Customer', bot: 'Assistant', agent: 'Support agent' } as const;
  return history
    .slice(-8)
    .map((t) => `${who[t.role]}: ${t.text.replace(/\s+/g, ' ').trim().slice(0, 600)}`)
    .join('\n');
}
