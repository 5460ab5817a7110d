// Files an agent attached to a reply, read from the attachment store for a
// platform that can take uploads, within that platform's size limit. Those it
// cannot take are named in a note under the message, so the customer knows
// something is missing and can ask for it another way.
import type { AttachmentStore, OutboundMessage } from '../../core/index.ts';

export interface OutboundFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export async function filesToUpload(
  store: AttachmentStore,
  message: OutboundMessage,
  maxBytes: number,
): Promise<{ files: OutboundFile[]; notSent: string[] }> {
  const files: OutboundFile[] = [];
  const notSent: string[] = [];
  for (const attachment of message.attachments) {
    if (attachment.size > maxBytes || !store.exists(attachment.sha256)) {
      notSent.push(attachment.filename);
      continue;
    }
    files.push({ filename: attachment.filename, contentType: attachment.contentType, data: await store.read(attachment.sha256) });
  }
  return { files, notSent };
}

/** The markdown note for attachments a platform did not receive. */
export function notSentNote(names: string[]): string {
  if (!names.length) return '';
  const list = names.map((n) => `"${n.replace(/[*_`[\]]/g, '')}"`).join(', ');
  return `\n\n_${names.length === 1 ? 'An attachment' : 'Attachments'} (${list}) could not be sent here; reply to ask for ${names.length === 1 ? 'it' : 'them'} another way._`;
}
