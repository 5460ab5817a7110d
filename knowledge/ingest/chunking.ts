// Splits an article's markdown into passages at headings, paragraphs and
// sentences (LangChain's markdown-aware recursive splitter; no network).
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

export interface ChunkingOptions {
  chunkSize: number;
  chunkOverlap: number;
}

export class Chunker {
  private readonly splitter: RecursiveCharacterTextSplitter;
  /** Part of every article's content hash: new settings re-chunk on the next import. */
  readonly signature: string;

  constructor(readonly options: ChunkingOptions) {
    this.splitter = RecursiveCharacterTextSplitter.fromLanguage('markdown', options);
    this.signature = `md:${options.chunkSize}:${options.chunkOverlap}`;
  }

  async split(markdown: string): Promise<string[]> {
    const parts = await this.splitter.splitText(markdown);
    return parts.map((p) => p.trim()).filter((p) => p.length > 0);
  }
}
