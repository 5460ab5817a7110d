// The page shell every portal page shares: head with our own CSS and
// scripts (htmx from our origin, configured by a meta tag so no inline
// script is needed and eval stays off), a header with navigation, an alert
// region htmx errors land in, and the CSRF token htmx sends on every request.
import Html from '@kitajs/html';

export interface Chrome {
  siteName: string;
  assets: { css: string; js: string; htmx: string; sse: string };
}

export interface Viewer {
  name: string | null;
  email: string | null;
}

export type Section = 'home' | 'tickets' | 'new' | 'kb' | 'surveys' | 'sign-in' | 'none';

export interface LayoutProps {
  chrome: Chrome;
  title: string;
  csrfToken: string;
  viewer?: Viewer | null;
  section?: Section;
  children?: Html.Children;
}

/** htmx settings, read by htmx from <meta name="htmx-config">. */
export const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  defaultSwapStyle: 'innerHTML',
  // Validation answers (422) replace the form; other errors land in #flash
  // (the error middleware retargets them there).
  responseHandling: [
    { code: '204', swap: false },
    { code: '[23]..', swap: true },
    { code: '422', swap: true },
    { code: '[45]..', swap: true, error: true },
  ],
});

export function Layout(props: LayoutProps): JSX.Element {
  const { chrome, viewer } = props;
  const section = props.section ?? 'none';
  const current = (s: Section) => (section === s ? 'page' : undefined);
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light" />
          <meta name="htmx-config" content={HTMX_CONFIG} />
          <title safe>{`${props.title} · ${chrome.siteName}`}</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={chrome.assets.css} />
          <script src={chrome.assets.htmx} defer></script>
          <script src={chrome.assets.sse} defer></script>
          <script src={chrome.assets.js} defer></script>
        </head>
        <body hx-boost="true" hx-headers={JSON.stringify({ 'X-CSRF-Token': props.csrfToken })}>
          <a class="skip-link" href="#main">
            Skip to content
          </a>
          <header class="site-header">
            <div class="wrap header-row">
              <a class="brand" href={viewer ? '/' : '/kb'} safe>
                {chrome.siteName}
              </a>
              {viewer ? (
                <form method="post" action="/sign-out" class="sign-out">
                  <input type="hidden" name="_csrf" value={props.csrfToken} />
                  <button type="submit" class="link-button">
                    Sign out
                  </button>
                </form>
              ) : section !== 'sign-in' ? (
                <a class="header-link" href="/sign-in">
                  Sign in
                </a>
              ) : (
                ''
              )}
            </div>
            <nav class="wrap site-nav" aria-label="Main">
              <ul>
                {viewer ? (
                  <>
                    <li>
                      <a href="/" aria-current={current('home')}>
                        Home
                      </a>
                    </li>
                    <li>
                      <a href="/tickets" aria-current={current('tickets')}>
                        Tickets
                      </a>
                    </li>
                    <li>
                      <a href="/tickets/new" aria-current={current('new')}>
                        New ticket
                      </a>
                    </li>
                  </>
                ) : (
                  ''
                )}
                <li>
                  <a href="/kb" aria-current={current('kb')}>
                    Help centre
                  </a>
                </li>
                {viewer ? (
                  <li>
                    <a href="/surveys" aria-current={current('surveys')}>
                      Surveys
                    </a>
                  </li>
                ) : (
                  ''
                )}
              </ul>
            </nav>
          </header>
          <div class="wrap">
            <div id="flash" class="flash-region" role="alert" aria-live="assertive"></div>
          </div>
          <main id="main" class="wrap" tabindex="-1">
            {props.children}
          </main>
          <footer class="site-footer wrap">
            {viewer ? (
              <p>
                Signed in as <span safe>{viewer.name || viewer.email || 'customer'}</span>
              </p>
            ) : (
              ''
            )}
          </footer>
        </body>
      </html>
    </>
  );
}
