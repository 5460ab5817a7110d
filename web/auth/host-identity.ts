// Sign-in from a host application: the same HMAC identity the chat widget
// accepts (channels/webchat/identity.ts, WEBCHAT_IDENTITY_SECRET), verified
// the same way. The person becomes the customer behind the web chat identity
// `user:<host user id>`, found or created by the core's own rules (a verified
// address links them to the customer who already holds it), so the widget
// and the portal always agree on who someone is.
import type { ConversationCore, ValidInboundMessage } from '../../core/index.ts';
import { resolveCustomer } from '../../core/customers/resolve.ts';
import { verifyHostIdentity, type IdentityCheck } from '../../channels/webchat/identity.ts';
import { SessionTokens } from '../../channels/webchat/session-token.ts';

export interface HostIdentitySettings {
  secret?: string;
  maxAgeMs: number;
}

export function checkHostIdentity(core: ConversationCore, settings: HostIdentitySettings, input: unknown): IdentityCheck {
  return verifyHostIdentity(input, { secret: settings.secret, maxAgeMs: settings.maxAgeMs, clock: core.clock });
}

/** The customer for a verified host user (created on first sign-in). */
export async function customerForHostUser(core: ConversationCore, user: { userId: string; email?: string; name?: string }): Promise<number> {
  const sender = {
    externalUserId: SessionTokens.hostUserVisitorId(user.userId),
    email: user.email,
    emailVerified: Boolean(user.email),
    name: user.name,
  };
  const customer = await core.transaction((tx) => resolveCustomer(tx, { channel: 'webchat', sender } as ValidInboundMessage));
  return customer.id;
}
