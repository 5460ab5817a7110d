// The friendly error page for browsers, and the small alert htmx shows in
// place when a partial request fails. Neither shows internals.
import Html from '@kitajs/html';

const TITLES: Record<number, string> = {
  400: 'That request did not work',
  401: 'Please sign in',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed',
  409: 'That changed in the meantime',
  410: 'This link has expired',
  413: 'Too large',
  415: 'Not a form we understand',
  422: 'Please check what you entered',
  429: 'Too many attempts',
};

export function errorTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'That request did not work');
}

export function errorText(status: number, message: string | undefined): string {
  if (status === 404) return 'We could not find that page. It may have moved, or the link may be mistyped.';
  if (status >= 500 || !message) return 'Something went wrong on our side. Please try again in a moment.';
  return message;
}

export function ErrorPage(props: { status: number; message?: string; cssUrl: string }): JSX.Element {
  const title = errorTitle(props.status);
  return (
    <>
      {'<!doctype html>'}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title safe>{title}</title>
          <link rel="icon" href="data:," />
          <link rel="stylesheet" href={props.cssUrl} />
        </head>
        <body>
          <main id="main" class="wrap error-page">
            <h1 safe>{title}</h1>
            <p safe>{errorText(props.status, props.message)}</p>
            <p class="error-actions">
              <a class="button" href="/">
                Go to the start page
              </a>
              <a class="button secondary" href="/kb">
                Help centre
              </a>
            </p>
            <p class="muted">Error {props.status}</p>
          </main>
        </body>
      </html>
    </>
  );
}

export function ErrorAlert(props: { status: number; message?: string }): JSX.Element {
  return (
    <div class="alert alert-error">
      <strong safe>{errorTitle(props.status)}</strong> <span safe>{errorText(props.status, props.message)}</span>
    </div>
  );
}
