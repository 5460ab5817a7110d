// A test's email channel: a fresh world (database, fake clock, core), its own
// attachment store and outbox folder, and the channel wired as production
// wires it. Helpers ingest raw mail and read what landed in the outbox.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AttachmentStore } from '../../../core/index.ts';
import { buildWorld, type World } from '../../../core/testing/world.ts';
import { EmailChannel } from '../channel.ts';
import type { Envelope } from '../inbound-log.ts';
import type { IngestResult } from '../ingest.ts';
import { emailSettings, type EmailSettings } from '../settings.ts';

export const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../../shared/data/email/chatwoot');
export const TEST_SECRET = 'test-secret-for-email-channel-0123456789';

export interface EmailWorld extends World {
  dir: string;
  attachments: AttachmentStore;
  settings: EmailSettings;
  channel: EmailChannel;
  ingestRaw(raw: string | Buffer, envelope?: Partial<Envelope>): Promise<IngestResult>;
  ingestFixture(name: string, envelope?: Partial<Envelope>): Promise<IngestResult>;
  outboxFiles(): string[];
}

/** Job type the email world subscribes to every answerable inbound message (stands in for the bot). */
export const ANSWER_JOB = 'test.answer';

export async function buildEmailWorld(overrides: Partial<EmailSettings> = {}): Promise<EmailWorld> {
  const world = await buildWorld({ followUps: { 'message.received': [ANSWER_JOB] } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-email-'));
  const attachments = new AttachmentStore(path.join(dir, 'attachments'));
  const settings = emailSettings({ outboxDir: path.join(dir, 'outbox'), ...overrides });
  const channel = new EmailChannel({
    core: world.core,
    knex: world.db.knex,
    clock: world.clock,
    logger: world.logger,
    attachments,
    settings,
    secret: TEST_SECRET,
  });
  const envelopeOf = (e: Partial<Envelope> = {}): Envelope => ({ source: 'pipe', to: [], ...e });
  return {
    ...world,
    dir,
    attachments,
    settings,
    channel,
    ingestRaw: (raw, envelope) => channel.ingest.ingest(Readable.from([Buffer.from(raw)]), envelopeOf(envelope)),
    ingestFixture: (name, envelope) => channel.ingest.ingest(fs.createReadStream(path.join(FIXTURES, name)), envelopeOf(envelope)),
    outboxFiles: () => (fs.existsSync(settings.outboxDir) ? fs.readdirSync(settings.outboxDir).filter((f) => f.endsWith('.eml')).sort() : []),
    async close() {
      await channel.stop();
      await world.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
