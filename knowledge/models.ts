// Models behind an OpenAI-compatible endpoint (OpenAI, Azure-style proxies,
// Ollama, LM Studio, vLLM...), through LangChain's OpenAI integration. Only
// built when configured: without them the knowledge base works offline.
import { ChatOpenAI, OpenAIEmbeddings } from '@langchain/openai';
import { EmbeddingSpace } from './embeddings/space.ts';

export interface OpenAIEndpoint {
  baseUrl?: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
}

function clientOptions(endpoint: OpenAIEndpoint) {
  return {
    // Local servers need no key, but the client insists on one.
    apiKey: endpoint.apiKey ?? 'not-needed',
    timeout: endpoint.timeoutMs,
    maxRetries: endpoint.maxRetries,
    configuration: endpoint.baseUrl ? { baseURL: endpoint.baseUrl } : {},
  };
}

export function openAIEmbeddingSpace(endpoint: OpenAIEndpoint, model: string, dimensions?: number): EmbeddingSpace {
  const embeddings = new OpenAIEmbeddings({
    ...clientOptions(endpoint),
    model,
    dimensions,
    // Some compatible servers ignore base64 and send floats anyway; ask for floats.
    encodingFormat: 'float',
    batchSize: 256,
  });
  return new EmbeddingSpace(embeddings, `openai:${model}${dimensions ? `:${dimensions}` : ''}`);
}

export function openAIChatModel(endpoint: OpenAIEndpoint, model: string, temperature: number): ChatOpenAI {
  return new ChatOpenAI({ ...clientOptions(endpoint), model, temperature });
}
