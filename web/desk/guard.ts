// Who is at the desk: the agent behind the desk session, loaded once per
// request. Desk pages send a signed-out browser to the desk's own sign-in
// (and back afterwards); anything else answers 401. A customer's portal
// session is never read here: the desk has its own cookie, so no customer
// session can open an agent page.
import type { Knex } from 'knex';
import type { Context, Next } from 'koa';
import { Agent } from '../../core/index.ts';
import { currentSession } from '../auth/sessions.ts';
import { signInRequired } from '../auth/sign-in-required.ts';

export async function viewingAgent(ctx: Context, knex: Knex): Promise<Agent | undefined> {
  if (ctx.state.agent !== undefined) return ctx.state.agent ?? undefined;
  const agentId = currentSession(ctx)?.agentId;
  const row = agentId ? await knex('agents').where({ id: agentId }).first() : undefined;
  const agent = row ? Agent.fromDatabaseJson(row) : undefined;
  ctx.state.agent = agent ?? null;
  return agent;
}

export function agentOf(ctx: Context): Agent {
  const agent = ctx.state.agent as Agent | null | undefined;
  if (!agent) throw new Error('requireAgent middleware is not mounted on this route');
  return agent;
}

export function requireAgent(knex: Knex) {
  return async function signedInAgent(ctx: Context, next: Next) {
    if (await viewingAgent(ctx, knex)) return next();
    signInRequired(ctx, '/desk/sign-in', 'Please sign in to the desk again to continue.');
  };
}
