// Teams activities to core messages. A personal or group chat is one
// conversation id; in a channel the conversation id carries the reply chain
// (";messageid=<root>"), so each thread under a post is its own ticket. The
// ConversationReference of the thread is the reply address the outbox uses
// for a proactive message later. Files come as download links (personal chat
// files, pre-authorised SharePoint URLs) or inline images on the Bot
// Framework's servers, which want the bot's token.
import type { Activity, ConversationReference } from 'botbuilder';
import { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { InboundMessage } from '../../core/index.ts';
import type { FileRequest } from '../common/download.ts';

export const teamsReplyRefSchema = z.looseObject({
  conversation: z.looseObject({ id: z.string().min(1) }),
  serviceUrl: z.url(),
  channelId: z.string().min(1),
  bot: z.looseObject({ id: z.string() }).optional(),
  user: z.looseObject({ id: z.string() }).optional(),
  activityId: z.string().optional(),
});

/** The thread this activity belongs to: the conversation, plus the reply chain in channels. */
export function threadKeyOf(activity: Partial<Activity>): string {
  const id = activity.conversation!.id;
  if (activity.conversation?.conversationType === 'channel' && !id.includes(';messageid=')) {
    return `${id};messageid=${activity.replyToId ?? activity.id}`;
  }
  return id;
}

export function replyRefOf(activity: Partial<Activity>): Partial<ConversationReference> {
  const reference = TurnContext.getConversationReference(activity);
  return { ...reference, conversation: { ...reference.conversation!, id: threadKeyOf(activity) } };
}

/** The customer's words: our mention removed, the remaining markup flattened. */
export function textOf(activity: Partial<Activity>): string {
  const withoutUs = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return withoutUs
    .replace(/<at>([^<]*)<\/at>/g, '@$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

/** Files attached to the activity, with the bot token only for Bot Framework hosts. */
export function fileRequestsOf(activity: Partial<Activity>, botToken?: string): FileRequest[] {
  const files: FileRequest[] = [];
  for (const attachment of activity.attachments ?? []) {
    const content = (attachment.content ?? {}) as { downloadUrl?: string; fileType?: string };
    if (attachment.contentType === 'application/vnd.microsoft.teams.file.download.info' && content.downloadUrl) {
      files.push({ url: content.downloadUrl, filename: attachment.name ?? `file.${content.fileType ?? 'bin'}` });
    } else if (attachment.contentType?.startsWith('image/') && attachment.contentUrl) {
      files.push({
        url: attachment.contentUrl,
        filename: attachment.name ?? `image.${attachment.contentType.slice(6).replace(/[^a-z0-9]/g, '') || 'png'}`,
        contentType: attachment.contentType,
        headers: botToken && needsBotToken(attachment.contentUrl, activity.serviceUrl) ? { Authorization: `Bearer ${botToken}` } : undefined,
      });
    }
  }
  return files;
}

/** Where customer files may come from: the activity's own service, SharePoint, Microsoft's media hosts. */
export function fileHostsFor(serviceUrl: string | undefined): string[] {
  const hosts = ['.sharepoint.com', '.sharepoint.us', '.trafficmanager.net', '.botframework.com', '.skype.com', '.teams.microsoft.com'];
  if (serviceUrl) {
    try {
      hosts.push(new URL(serviceUrl).origin);
    } catch {
      // no service URL origin to add
    }
  }
  return hosts;
}

function needsBotToken(url: string, serviceUrl: string | undefined): boolean {
  try {
    const u = new URL(url);
    if (serviceUrl && u.origin === new URL(serviceUrl).origin) return true;
    return u.protocol === 'https:' && /(\.trafficmanager\.net|\.botframework\.com|\.skype\.com)$/.test(u.hostname);
  } catch {
    return false;
  }
}

/** The InboundMessage for a customer's message activity. */
export function inboundOf(
  activity: Partial<Activity>,
  text: string,
  attachments: InboundMessage['attachments'],
  receivedAt: number,
  extraMeta: Record<string, unknown>,
): InboundMessage {
  const conversation = activity.conversation!;
  return {
    channel: 'teams',
    // Teams message ids are unique within a conversation, not across them.
    externalId: `${conversation.id.split(';')[0]}:${activity.id}`,
    threadKey: threadKeyOf(activity),
    sender: { externalUserId: activity.from!.id, name: activity.from?.name?.slice(0, 200) || undefined },
    text,
    attachments,
    receivedAt,
    replyRef: replyRefOf(activity),
    meta: {
      teams: {
        conversationType: conversation.conversationType,
        tenantId: conversation.tenantId,
        aadObjectId: activity.from?.aadObjectId,
        activityId: activity.id,
      },
      ...extraMeta,
    },
  };
}
