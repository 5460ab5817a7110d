// What every desk route receives, and the per-request page context (the
// chrome, this browser's CSRF token, the signed-in agent).
import type { Knex } from 'knex';
import type { Context } from 'koa';
import type { Agent, Clock, ConversationCore, EventBus } from '../../core/index.ts';
import type { KnowledgeBase } from '../../knowledge/index.ts';
import type { Dialect } from '../../knexfile.ts';
import { csrfState } from '../http/csrf.ts';
import type { Chrome } from '../views/layout.tsx';
import { agentOf } from './guard.ts';

export interface DeskDeps {
  core: ConversationCore;
  knex: Knex;
  dialect: Dialect;
  clock: Clock;
  bus: EventBus;
  chrome: Chrome;
  knowledge?: KnowledgeBase;
}

export interface DeskPageContext {
  chrome: Chrome;
  csrfToken: string;
  agent: Agent;
  now: number;
}

export function deskPage(ctx: Context, deps: { chrome: Chrome; clock: Clock }): DeskPageContext {
  return { chrome: deps.chrome, csrfToken: csrfState(ctx).token, agent: agentOf(ctx), now: deps.clock.now() };
}
