// Bot Framework authentication from our settings. Inbound: with an app id,
// every activity must carry a valid Bot Framework JWT (botbuilder checks the
// signature, issuer, audience and the serviceUrl claim). Outbound: the
// connector clients it creates lose their built-in retry policy, which would
// otherwise hold a send for up to three rounds of Retry-After inside the
// outbox worker; the outbox retries on its own schedule instead.
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { ClaimsIdentity, ConnectorClient, ConnectorFactory } from 'botframework-connector';
import type { TeamsOptions } from './options.ts';

export class OutboxFriendlyAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(options: TeamsOptions) {
    super(
      options.appId
        ? {
            MicrosoftAppId: options.appId,
            MicrosoftAppPassword: options.appPassword,
            MicrosoftAppTenantId: options.tenantId,
            MicrosoftAppType: options.appType,
          }
        : {},
    );
  }

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    const inner = super.createConnectorFactory(claimsIdentity);
    return {
      async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return withoutRetries(await inner.create(serviceUrl, audience));
      },
    };
  }
}

/**
 * Removes the Retry phase from a connector client's HTTP pipeline. The
 * pipeline is not public API; if its shape changes the client keeps its
 * retries (slower, still correct), and the Teams 429 test notices.
 */
function withoutRetries(client: ConnectorClient): ConnectorClient {
  const pipeline = (client as unknown as { client?: { pipeline?: { removePolicy(o: { phase: string }): unknown } } }).client?.pipeline;
  pipeline?.removePolicy({ phase: 'Retry' });
  return client;
}
