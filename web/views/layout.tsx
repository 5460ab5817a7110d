// The page shell every portal page shares: head with our own CSS and
// scripts (htmx from our origin, configured by a meta tag so no inline
// script is needed and eval stays off), a header with navigation, an alert
// region htmx errors land in, and the CSRF token htmx sends on every request.
import Html from '@kitajs/html';

export interface Chrome {
  siteName: string;
  /** `extraCss`: one more stylesheet after the shared one (the desk's). */
  assets: { css: string; js: string; htmx: string; sse: string; extraCss?: string };
}

export interface Viewer {
  name: string | null;
  email: string | null;
}

export type Section = 'home' | 'tickets' | 'new' | 'kb' | 'surveys' | 'sign-in' | 'inbox' | 'dashboard' | 'none';

/** Portal pages are the customers'; desk pages the agents' (another nav, sign-out and home). */
export type Area = 'portal' | 'desk';

export interface LayoutProps {
  chrome: Chrome;
  title: string;
  csrfToken: string;
  viewer?: Viewer | null;
  section?: Section;
  area?: Area;
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
  // Not 'style': settling copies inline styles, which the CSP (no inline
  // style attributes) refuses with a console error.
  attributesToSettle: ['class', 'width', 'height'],
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
  const area = props.area ?? 'portal';
  const current = (s: Section) => (section === s ? 'page' : undefined);
  const home = area === 'desk' ? '/desk' : viewer ? '/' : '/kb';
  const signIn = area === 'desk' ? '/desk/sign-in' : '/sign-in';
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
          {chrome.assets.extraCss ? <link rel="stylesheet" href={chrome.assets.extraCss} /> : ''}
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
              <a class="brand" href={home} safe>
                {area === 'desk' ? `${chrome.siteName} desk` : chrome.siteName}
              </a>
              {viewer ? (
                <form method="post" action={area === 'desk' ? '/desk/sign-out' : '/sign-out'} class="sign-out">
                  <input type="hidden" name="_csrf" value={props.csrfToken} />
                  <button type="submit" class="link-button">
                    Sign out
                  </button>
                </form>
              ) : section !== 'sign-in' ? (
                <a class="header-link" href={signIn}>
                  Sign in
                </a>
              ) : (
                ''
              )}
            </div>
            <nav class="wrap site-nav" aria-label="Main">
              {area === 'desk' ? <DeskNav signedIn={!!viewer} current={current} /> : <PortalNav signedIn={!!viewer} current={current} />}
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
                Signed in as <span safe>{viewer.name || viewer.email || (area === 'desk' ? 'agent' : 'customer')}</span>
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

type Current = (s: Section) => 'page' | undefined;

function DeskNav(props: { signedIn: boolean; current: Current }): JSX.Element {
  if (!props.signedIn) return <ul></ul>;
  return (
    <ul>
      <li>
        <a href="/desk" aria-current={props.current('inbox')}>
          Inbox
        </a>
      </li>
      <li>
        <a href="/desk/dashboard" aria-current={props.current('dashboard')}>
          Dashboard
        </a>
      </li>
    </ul>
  );
}

function PortalNav(props: { signedIn: boolean; current: Current }): JSX.Element {
  const { current } = props;
  const viewer = props.signedIn;
  return (
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
  );
}
