// Who sent this? Find or create the customer behind a channel identity.
// Identities are linked only through a verified email address: an unverified
// address is remembered but never merges two customers.
import type { Tx } from '../transaction.ts';
import type { ValidInboundMessage } from '../types.ts';
import type { KnownSender } from '../receive-lookup.ts';
import { Customer, Identity } from './models.ts';

/**
 * `known` is the sender as receive's one lookup found it (null: no identity
 * yet); without it the identity is looked up here.
 */
export async function resolveCustomer(tx: Tx, msg: ValidInboundMessage, known?: KnownSender | null): Promise<Customer> {
  const { trx, now } = tx;
  const sender = msg.sender;
  const email = sender.email?.toLowerCase();
  const verified = Boolean(email && sender.emailVerified);

  const found = known === undefined ? await lookUpSender(tx, msg) : known;
  if (found) {
    let customer = Customer.fromJson(found.customer, { skipValidation: true });
    if (verified && !(found.identityEmailVerified && found.identityEmail === email)) {
      await Identity.query(trx).patch({ email, emailVerified: true }).where({ id: found.identityId });
      customer = await linkVerifiedEmail(tx, customer, email!, found.identityId);
    }
    await fillBlanks(tx, customer, sender.name, email);
    return customer;
  }

  let customer: Customer | undefined;
  if (verified) customer = await Customer.query(trx).findOne({ email, emailVerified: true });
  if (!customer) {
    const row = { name: sender.name ?? null, email: email ?? null, emailVerified: verified, emailStatus: 'ok' as const, createdAt: now, updatedAt: now };
    const [inserted] = await trx('customers').insert(row).returning('id');
    customer = Customer.fromJson({ ...row, id: inserted.id }, { skipValidation: true });
  } else {
    await fillBlanks(tx, customer, sender.name, email);
  }
  await trx('identities').insert({
    customerId: customer.id,
    channel: msg.channel,
    externalUserId: sender.externalUserId,
    email: email ?? null,
    emailVerified: verified,
    name: sender.name ?? null,
    createdAt: now,
  });
  return customer;
}

/** The identity joined to its customer: one query. */
async function lookUpSender(tx: Tx, msg: ValidInboundMessage): Promise<KnownSender | null> {
  const row = await tx
    .trx('identities as i')
    .join('customers as c', 'c.id', 'i.customerId')
    .where({ 'i.channel': msg.channel, 'i.externalUserId': msg.sender.externalUserId })
    .first('c.*', 'i.id as identityId', 'i.email as identityEmail', 'i.emailVerified as identityEmailVerified');
  if (!row) return null;
  const { identityId, identityEmail, identityEmailVerified, ...customerRow } = row;
  const customer = Customer.fromDatabaseJson(customerRow);
  return { identityId, identityEmail, identityEmailVerified: Boolean(identityEmailVerified), customer: customer as KnownSender['customer'] };
}

/**
 * An identity has just proven an address. If another customer already owns it
 * verified, this identity belongs to that customer: an anonymous customer is
 * merged into it (tickets follow); one with its own verified address only
 * hands over this identity.
 */
async function linkVerifiedEmail(tx: Tx, customer: Customer, email: string, identityId: number): Promise<Customer> {
  const { trx, now } = tx;
  if (customer.emailVerified && customer.email === email) return customer;
  const owner = await Customer.query(trx).findOne({ email, emailVerified: true });
  if (!owner) {
    if (!customer.emailVerified) {
      await Customer.query(trx).patch({ email, emailVerified: true, updatedAt: now }).where({ id: customer.id });
      return Customer.query(trx).findById(customer.id).throwIfNotFound();
    }
    return customer; // keeps its own verified address; this one stays on the identity
  }
  if (!customer.emailVerified) await mergeCustomers(tx, customer.id, owner.id);
  else await Identity.query(trx).patch({ customerId: owner.id }).where({ id: identityId });
  return owner;
}

async function mergeCustomers(tx: Tx, fromId: number, intoId: number): Promise<void> {
  const { trx, now } = tx;
  for (const table of ['identities', 'tickets', 'ratings']) {
    await trx(table).where({ customerId: fromId }).update({ customerId: intoId });
  }
  await trx('messages').where({ authorType: 'customer', authorId: fromId }).update({ authorId: intoId });
  await trx('customers').where({ id: intoId }).update({ updatedAt: now });
}

async function fillBlanks(tx: Tx, customer: Customer, name?: string, email?: string): Promise<void> {
  const patch: Partial<Customer> = {};
  if (name && !customer.name) patch.name = name;
  if (email && !customer.email) patch.email = email;
  if (Object.keys(patch).length === 0) return;
  await Customer.query(tx.trx)
    .patch({ ...patch, updatedAt: tx.now })
    .where({ id: customer.id });
  Object.assign(customer, patch);
}
