import { BaseModel } from '../model.ts';
import type { ChannelKind } from '../types.ts';

export class Customer extends BaseModel {
  static override tableName = 'customers';
  static override booleanColumns = ['emailVerified'];
  id!: number;
  name!: string | null;
  email!: string | null;
  emailVerified!: boolean;
  emailStatus!: 'ok' | 'failing';
  createdAt!: number;
  updatedAt!: number;
}

export class Identity extends BaseModel {
  static override tableName = 'identities';
  static override booleanColumns = ['emailVerified'];
  id!: number;
  customerId!: number;
  channel!: ChannelKind;
  externalUserId!: string;
  email!: string | null;
  emailVerified!: boolean;
  name!: string | null;
  createdAt!: number;
}

export class Agent extends BaseModel {
  static override tableName = 'agents';
  id!: number;
  email!: string;
  name!: string | null;
  createdAt!: number;
}
