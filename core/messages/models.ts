import { BaseModel } from '../model.ts';
import type { AuthorType, ChannelKind } from '../types.ts';

export class Message extends BaseModel {
  static override tableName = 'messages';
  static override jsonAttributes = ['meta'];
  static override booleanColumns = ['internal'];
  id!: number;
  ticketId!: number;
  authorType!: AuthorType;
  authorId!: number | null;
  bodyText!: string;
  bodyHtml!: string | null;
  internal!: boolean;
  channel!: ChannelKind;
  externalId!: string | null;
  meta!: Record<string, unknown> | null;
  createdAt!: number;
}

export class Attachment extends BaseModel {
  static override tableName = 'attachments';
  static override booleanColumns = ['inline'];
  id!: number;
  messageId!: number | null;
  sha256!: string;
  filename!: string;
  contentType!: string;
  size!: number;
  contentId!: string | null;
  inline!: boolean;
  createdAt!: number;
}
