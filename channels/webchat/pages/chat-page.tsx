// The chat panel the widget loads in its iframe. Server-rendered shell; the
// behaviour lives in /chat/assets/chat.js (strict CSP: no inline script or
// style). Settings the script needs travel as data attributes.
import Html from '@kitajs/html';

export interface ChatPageProps {
  scriptUrl: string;
  styleUrl: string;
  maxLength: number;
  uploadTypes: string[];
  uploadMaxBytes: number;
}

export function ChatPage(props: ChatPageProps): string {
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
          <meta name="color-scheme" content="light" />
          <title>Chat with support</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={props.styleUrl} />
          <script src={props.scriptUrl} defer></script>
        </head>
        <body
          data-max-length={String(props.maxLength)}
          data-upload-types={props.uploadTypes.join(',')}
          data-upload-max-bytes={String(props.uploadMaxBytes)}
        >
          <div class="app">
            <header class="bar">
              <button type="button" id="show-list" class="icon" aria-label="Your conversations" title="Your conversations">
                <Icon path="M4 6h16M4 12h16M4 18h10" />
              </button>
              <h1 id="title">Support</h1>
              <button type="button" id="new-conversation" class="icon" aria-label="New conversation" title="New conversation">
                <Icon path="M12 5v14M5 12h14" />
              </button>
              <button type="button" id="close" class="icon" aria-label="Close chat" title="Close chat">
                <Icon path="M6 6l12 12M18 6L6 18" />
              </button>
            </header>

            <section id="list-view" class="list-view" hidden aria-labelledby="list-title">
              <h2 id="list-title">Your conversations</h2>
              <ul id="conversation-list" class="conversation-list"></ul>
              <p id="list-empty" class="muted" hidden>
                No conversations yet.
              </p>
              <button type="button" id="start-new" class="primary">
                Start a new conversation
              </button>
            </section>

            <section id="chat-view" class="chat-view" aria-label="Conversation">
              <div id="log" class="log" role="log" aria-live="polite" aria-relevant="additions" aria-label="Messages" tabindex="0">
                <div id="welcome" class="welcome">
                  <p class="welcome-title">Hi! How can we help?</p>
                  <p>Ask a question and our assistant answers right away, with links to the articles it used. A person can take over at any time.</p>
                </div>
              </div>
              <p id="typing" class="typing" hidden>
                <span class="dots" aria-hidden="true">
                  <i></i>
                  <i></i>
                  <i></i>
                </span>
                <span id="typing-label">Assistant is typing</span>
              </p>
              <div id="panel" class="panel" aria-live="polite"></div>
              <p id="error" class="error" role="alert" hidden></p>
              <div id="pending-files" class="pending-files" aria-live="polite"></div>
              <form id="composer" class="composer" novalidate>
                <input type="file" id="attach" class="visually-hidden" tabindex="-1" accept={props.uploadTypes.join(',')} />
                <button type="button" id="attach-button" class="icon attach" aria-label="Attach a file" title="Attach a file">
                  <Icon path="M16.5 6.5l-7.8 7.8a2 2 0 0 0 2.8 2.8l7.8-7.8a4 4 0 0 0-5.7-5.7L5.8 11.4a6 6 0 0 0 8.5 8.5L20 14.2" />
                </button>
                <label for="text" class="visually-hidden">
                  Your message
                </label>
                <textarea id="text" rows="1" maxlength={String(props.maxLength)} placeholder="Ask a question…"></textarea>
                <button type="submit" id="send" class="icon send" aria-label="Send message" title="Send">
                  <Icon path="M4 12l16-8-6 16-2-7-8-1z" />
                </button>
              </form>
            </section>
            <noscript>
              <p class="muted">The chat needs JavaScript. You can also write to us by email.</p>
            </noscript>
          </div>
        </body>
      </html>
    </>
  ) as string;
}

function Icon(props: { path: string }): string {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path d={props.path} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  ) as string;
}
