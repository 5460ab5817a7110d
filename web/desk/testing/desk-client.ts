// For desk tests: the portal's browser-like client, signed in as an agent
// through a real desk link (the agent is created like `parley agent:add`).
import type { Agent } from '../../../core/index.ts';
import { AGENT_LINKS, LoginLinks } from '../../auth/login-links.ts';
import { PortalClient } from '../../portal/testing/portal-client.ts';
import type { Parley } from '../../server.ts';
import { addAgent } from '../agents.ts';

export class DeskClient extends PortalClient {
  override async ensureCsrf(): Promise<string> {
    if (!this.csrfToken) await this.get('/desk/sign-in');
    return this.csrfToken;
  }

  /** Creates (or finds) the agent with `email` and signs in as them. */
  async signInAgent(parley: Parley, email: string, name?: string): Promise<Agent> {
    const { agent } = await addAgent(parley.db.knex, parley.clock, { email, name });
    const links = new LoginLinks({ knex: parley.db.knex, clock: parley.clock, publicUrl: this.base, ttlMs: 15 * 60_000, audience: AGENT_LINKS });
    const { url } = await links.issue(agent.id, agent.email);
    await this.ensureCsrf();
    const { res } = await this.post(new URL(url).pathname);
    if (res.status !== 303) throw new Error(`desk sign-in failed: ${res.status}`);
    this.csrfToken = '';
    await this.get('/desk');
    return agent;
  }
}
