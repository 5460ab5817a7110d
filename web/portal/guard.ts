// Who is asking: the signed-in customer behind the session, loaded once per
// request. Pages that need one send a signed-out browser to sign in (and back
// afterwards); anything else answers 401.
import type { Knex } from 'knex';
import type { Context, Next } from 'koa';
import { Customer } from '../../core/index.ts';
import { currentSession } from '../auth/sessions.ts';
import { signInRequired } from '../auth/sign-in-required.ts';

export async function viewerOf(ctx: Context, knex: Knex): Promise<Customer | undefined> {
  if (ctx.state.customer !== undefined) return ctx.state.customer ?? undefined;
  const customerId = currentSession(ctx)?.customerId;
  // Plain knex, not objection: this runs on every signed-in request.
  const row = customerId ? await knex('customers').where({ id: customerId }).first() : undefined;
  const customer = row ? Customer.fromDatabaseJson(row) : undefined;
  ctx.state.customer = customer ?? null;
  return customer;
}

export function customerOf(ctx: Context): Customer {
  const customer = ctx.state.customer as Customer | null | undefined;
  if (!customer) throw new Error('requireCustomer middleware is not mounted on this route');
  return customer;
}

export function requireCustomer(knex: Knex) {
  return async function signedInCustomer(ctx: Context, next: Next) {
    if (await viewerOf(ctx, knex)) return next();
    signInRequired(ctx, '/sign-in', 'Please sign in again to continue.');
  };
}
