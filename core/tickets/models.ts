import { BaseModel } from '../model.ts';
import type { AuthorType, ChannelKind, Priority, TicketStatus } from '../types.ts';

export class Ticket extends BaseModel {
  static override tableName = 'tickets';
  static override jsonAttributes = ['replyRef'];
  id!: number;
  number!: number;
  customerId!: number;
  subject!: string;
  status!: TicketStatus;
  priority!: Priority;
  channel!: ChannelKind;
  threadKey!: string;
  replyRef!: unknown;
  assigneeId!: number | null;
  handler!: 'bot' | 'human';
  handoffReason!: string | null;
  createdAt!: number;
  updatedAt!: number;
  firstResponseAt!: number | null;
  resolvedAt!: number | null;
  lastCustomerMessageAt!: number | null;
}

export type TicketEventType =
  | 'created'
  | 'message'
  | 'reopened'
  | 'status_changed'
  | 'priority_changed'
  | 'assigned'
  | 'handed_off'
  | 'handed_back'
  | 'rated'
  | 'delivery_failed'
  /** An agent put a dead delivery back in line. */
  | 'delivery_retried'
  /** A bounce of our mail landed on the ticket (channels/email). */
  | 'email_bounced';

export class TicketEvent extends BaseModel {
  static override tableName = 'ticket_events';
  static override jsonAttributes = ['data'];
  id!: number;
  ticketId!: number;
  type!: TicketEventType;
  actorType!: AuthorType;
  actorId!: number | null;
  data!: Record<string, unknown> | null;
  createdAt!: number;
}
