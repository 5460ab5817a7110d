import test from 'ava';
import { FakeClock } from '../../core/testing/clock.ts';
import { signHostIdentity, verifyHostIdentity } from './identity.ts';
import { SessionTokens } from './session-token.ts';

const secret = 'x'.repeat(43);

test('a session token round-trips its visitor and claims', (t) => {
  const clock = new FakeClock();
  const tokens = new SessionTokens({ secret, ttlMs: 60_000, clock });
  const { token } = tokens.issue({ visitorId: 'anon:abc', verified: false, name: 'Ada' });
  const result = tokens.verify(token);
  t.true('session' in result);
  if ('session' in result) {
    t.is(result.session.visitorId, 'anon:abc');
    t.false(result.session.verified);
    t.is(result.session.name, 'Ada');
    t.is(result.session.expiresAt, clock.now() + 60_000);
  }
});

test('a forged, tampered or foreign-key token is refused', (t) => {
  const clock = new FakeClock();
  const tokens = new SessionTokens({ secret, ttlMs: 60_000, clock });
  const { token } = tokens.issue({ visitorId: 'anon:abc', verified: false });
  const [body, sig] = token.split('.');
  // Claim to be a verified host user with the original signature.
  const claims = JSON.parse(Buffer.from(body!, 'base64url').toString());
  const forgedBody = Buffer.from(JSON.stringify({ ...claims, v: 'user:42', ver: true })).toString('base64url');
  t.deepEqual(tokens.verify(`${forgedBody}.${sig}`), { problem: 'forged' });
  const other = new SessionTokens({ secret: 'y'.repeat(43), ttlMs: 60_000, clock });
  t.deepEqual(other.verify(token), { problem: 'forged' });
  t.deepEqual(tokens.verify('not-a-token'), { problem: 'malformed' });
  t.deepEqual(tokens.verify(`${body}.${sig}.extra`), { problem: 'malformed' });
});

test('a session token expires after its lifetime', (t) => {
  const clock = new FakeClock();
  const tokens = new SessionTokens({ secret, ttlMs: 60_000, clock });
  const { token } = tokens.issue({ visitorId: 'anon:abc', verified: false });
  clock.advance(59_999);
  t.true('session' in tokens.verify(token));
  clock.advance(1);
  t.deepEqual(tokens.verify(token), { problem: 'expired' });
});

test('host identity: a valid signature verifies; forged, altered and expired ones do not', (t) => {
  const clock = new FakeClock();
  const options = { secret: 'host-shared-secret-123', maxAgeMs: 3600_000, clock };
  const timestamp = Math.floor(clock.now() / 1000);
  const identity = { userId: '42', email: 'Ada@Example.com', name: 'Ada Lovelace', timestamp };
  const signature = signHostIdentity(options.secret, identity);

  t.deepEqual(verifyHostIdentity({ ...identity, signature }, options), { ok: true, userId: '42', email: 'ada@example.com', name: 'Ada Lovelace' });
  t.deepEqual(verifyHostIdentity({ ...identity, signature: signHostIdentity('wrong-secret-123456', identity) }, options), {
    ok: false,
    reason: 'forged',
  });
  t.deepEqual(verifyHostIdentity({ ...identity, email: 'eve@example.com', signature }, options), { ok: false, reason: 'forged' });
  // Shifting a field boundary cannot reuse a signature: fields may not hold newlines.
  t.deepEqual(verifyHostIdentity({ ...identity, userId: '42\nada@example.com', signature }, options), { ok: false, reason: 'malformed' });
  t.deepEqual(verifyHostIdentity({ ...identity, signature: 'abc' }, options), { ok: false, reason: 'malformed' });
  t.deepEqual(verifyHostIdentity({ ...identity, signature }, { ...options, secret: undefined }), { ok: false, reason: 'not_configured' });

  clock.advance(3600_000 + 1000);
  t.deepEqual(verifyHostIdentity({ ...identity, signature }, options), { ok: false, reason: 'expired' });
  const future = { ...identity, timestamp: timestamp + 24 * 3600 };
  t.deepEqual(verifyHostIdentity({ ...future, signature: signHostIdentity(options.secret, future) }, { ...options, clock: new FakeClock() }), {
    ok: false,
    reason: 'expired',
  });
});
