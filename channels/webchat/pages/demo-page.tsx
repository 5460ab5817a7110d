// /demo: a made-up company page that embeds the widget exactly as a customer
// site would, with one script tag. Handy for trying the widget and used by the
// browser test.
import Html from '@kitajs/html';

export interface DemoPageProps {
  publicUrl: string;
  styleUrl: string;
  /** A signed identity for the "signed-in" variant (only when a secret is configured). */
  identity?: { userId: string; email: string; name: string; timestamp: number; signature: string };
}

export function DemoPage(props: DemoPageProps): string {
  const id = props.identity;
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Harbor: help center (Parley demo)</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={props.styleUrl} />
        </head>
        <body>
          <header class="site-header">
            <span class="logo">Harbor</span>
            <nav aria-label="Demo">
              <a href="/demo">Anonymous visitor</a>
              <a href="/demo?signed-in=1">Signed-in visitor</a>
            </nav>
          </header>
          <main class="site-main">
            <h1>Harbor help center</h1>
            <p>
              Harbor is a made-up task board and calendar for small teams, and this page stands in for your own website. The chat button in
              the corner comes from one script tag; the chat runs in a frame served by Parley, so this page's styles and scripts never touch it.
            </p>
            <p>Ask the assistant something from the demo knowledge base, for example:</p>
            <ul>
              <li>How do I reset my password?</li>
              <li>How can I invite teammates to my workspace?</li>
              <li>Can I get a refund?</li>
              <li>I want to talk to a person</li>
            </ul>
            {id ? (
              <p class="note">
                Signed in as <strong safe>{id.name}</strong> (<span safe>{id.email}</span>): the host signed this identity with WEBCHAT_IDENTITY_SECRET.
              </p>
            ) : (
              <p class="note">You are an anonymous visitor. Your conversation is kept in this browser.</p>
            )}
            <h2>The snippet</h2>
            <pre>
              <code safe>{`<script src="${props.publicUrl}/widget.js" async></script>`}</code>
            </pre>
          </main>
          {id ? (
            <script
              src="/widget.js"
              async
              data-title="Harbor support"
              data-user-id={id.userId}
              data-user-email={id.email}
              data-user-name={id.name}
              data-user-timestamp={String(id.timestamp)}
              data-user-signature={id.signature}
            ></script>
          ) : (
            <script src="/widget.js" async data-title="Harbor support"></script>
          )}
        </body>
      </html>
    </>
  ) as string;
}
