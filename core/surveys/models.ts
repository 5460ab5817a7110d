import { BaseModel } from '../model.ts';
import type { ChannelKind } from '../types.ts';

export class Survey extends BaseModel {
  static override tableName = 'surveys';
  id!: number;
  ticketId!: number;
  customerId!: number;
  channel!: ChannelKind;
  messageId!: number | null;
  ratingId!: number | null;
  sentAt!: number;
  answeredAt!: number | null;
}
