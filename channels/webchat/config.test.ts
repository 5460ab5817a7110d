// WEBCHAT_* settings: defaults, parsing, and a bad value stopping boot with
// the variable's name.
import test from 'ava';
import { ConfigError } from '../../web/config.ts';
import { webchatOptions } from '../../web/features/webchat.ts';

test('defaults give an anonymous-only chat embeddable anywhere', (t) => {
  const options = webchatOptions({}, 'https://help.example.com');
  t.like(options, {
    publicUrl: 'https://help.example.com',
    identitySecret: undefined,
    sessionTtlMs: 30 * 86_400_000,
    postsPerMinute: 20,
    maxMessageLength: 5000,
    uploadMaxBytes: 10 * 1024 * 1024,
    frameAncestors: ['*'],
    demo: true,
    agentWaitMs: 60_000,
  });
});

test('settings are parsed from the environment', (t) => {
  const options = webchatOptions(
    {
      WEBCHAT_IDENTITY_SECRET: 'a-long-enough-shared-secret',
      WEBCHAT_FRAME_ANCESTORS: "'self', https://www.example.com",
      WEBCHAT_UPLOAD_TYPES: 'image/*, application/pdf',
      WEBCHAT_DEMO: 'false',
      WEBCHAT_AGENT_WAIT_S: '0',
      WEBCHAT_SESSION_DAYS: '7',
    },
    'https://help.example.com',
  );
  t.like(options, {
    identitySecret: 'a-long-enough-shared-secret',
    frameAncestors: ["'self'", 'https://www.example.com'],
    uploadTypes: ['image/*', 'application/pdf'],
    demo: false,
    agentWaitMs: 0,
    sessionTtlMs: 7 * 86_400_000,
  });
  t.is(webchatOptions({ WEBCHAT_ENABLED: 'false' }, 'https://help.example.com'), undefined);
});

test('a bad value names its variable (and hides secrets)', (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ WEBCHAT_FRAME_ANCESTORS: 'https://ok.example, javascript:alert(1)' }, 'WEBCHAT_FRAME_ANCESTORS'],
    [{ WEBCHAT_MAX_MESSAGE_LENGTH: 'lots' }, 'WEBCHAT_MAX_MESSAGE_LENGTH'],
    [{ WEBCHAT_UPLOAD_TYPES: 'pictures' }, 'WEBCHAT_UPLOAD_TYPES'],
    [{ WEBCHAT_DEMO: 'maybe' }, 'WEBCHAT_DEMO'],
    [{ WEBCHAT_IDENTITY_SECRET: 'short' }, 'WEBCHAT_IDENTITY_SECRET'],
  ];
  for (const [env, variable] of cases) {
    const error = t.throws(() => webchatOptions(env, 'https://help.example.com'), { instanceOf: ConfigError });
    t.true(error!.message.startsWith(`${variable}:`), error!.message);
  }
  const secret = t.throws(() => webchatOptions({ WEBCHAT_IDENTITY_SECRET: 'short' }, 'https://x.example'));
  t.false(secret!.message.includes('short'));
});
