// Splits an article's markdown into passages at headings, paragraphs and
// sentences (LangChain's markdown-aware recursive splitter; no network).
import type { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface ChunkingOptions {
  chunkSize: number;
  chunkOverlap: number;
}

export class Chunker {
  // The splitter's module costs ~20 MB of memory once imported: it is loaded
  // when an article is first (re)indexed, so a restart with its knowledge
  // base already indexed never loads it.
  private splitter?: Promise<RecursiveCharacterTextSplitter>;
  /** Part of every article's content hash: new settings re-chunk on the next import. */
  readonly signature: string;

  constructor(readonly options: ChunkingOptions) {
    this.signature = `md:${options.chunkSize}:${options.chunkOverlap}`;
  }

  async split(markdown: string): Promise<string[]> {
    this.splitter ??= import('@langchain/textsplitters').then(({ RecursiveCharacterTextSplitter }) =>
      RecursiveCharacterTextSplitter.fromLanguage('markdown', this.options),
    );
    const parts = await (await this.splitter).splitText(markdown);
    return parts.map((p) => p.trim()).filter((p) => p.length > 0);
  }
}
