// The email channel's public surface for the composition root and the CLI.
export { EmailChannel, type EmailChannelDeps } from './channel.ts';
export { EmptyMessageError, type IngestResult } from './ingest.ts';
export type { Envelope } from './inbound-log.ts';
export { STATUS_NOTICE_JOB, statusNoticeHandler } from './notifications.ts';
export { emailSettings, type EmailSettings } from './settings.ts';
export { surveyPages } from './survey-pages.ts';
