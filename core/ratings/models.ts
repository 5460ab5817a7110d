import { BaseModel } from '../model.ts';
import type { ChannelKind } from '../types.ts';

export type RatingKind = 'answer' | 'csat' | 'article';

export class Rating extends BaseModel {
  static override tableName = 'ratings';
  id!: number;
  kind!: RatingKind;
  ticketId!: number | null;
  messageId!: number | null;
  articleId!: number | null;
  customerId!: number | null;
  score!: number;
  comment!: string | null;
  channel!: ChannelKind | null;
  subjectKey!: string;
  createdAt!: number;
  updatedAt!: number;
}
