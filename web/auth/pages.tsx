// Sign-in pages: ask for an address, say a link is on its way (the same words
// whether or not we know the address), and the one-button pages behind the
// emailed link and the host application's sign-in, which only a POST acts on.
import Html from '@kitajs/html';
import { Alert, CsrfField, describedBy, Field } from '../views/components.tsx';
import { Layout, type Area, type Chrome } from '../views/layout.tsx';

export interface AuthPageContext {
  chrome: Chrome;
  csrfToken: string;
  /** The agent desk shares these pages; its sign-in lives under /desk. */
  area?: Area;
}

const signInPath = (props: AuthPageContext) => (props.area === 'desk' ? '/desk/sign-in' : '/sign-in');

export function SignInPage(props: AuthPageContext & { email?: string; next?: string; error?: string; notice?: string }): JSX.Element {
  const hint = 'We will email you a link. No password needed.';
  return (
    <Layout chrome={props.chrome} title="Sign in" csrfToken={props.csrfToken} section="sign-in" area={props.area}>
      <div class="narrow">
        <h1>Sign in</h1>
        <p>{props.area === 'desk' ? 'The support desk: answer the conversations the bot hands over.' : 'See your tickets, follow answers and rate our help.'}</p>
        {props.notice ? <Alert kind="info"><span safe>{props.notice}</span></Alert> : ''}
        <form method="post" action={signInPath(props)} class="stack" novalidate>
          <CsrfField token={props.csrfToken} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : ''}
          <Field id="email" label="Your email address" hint={hint} error={props.error}>
            <input
              id="email"
              name="email"
              type="email"
              autocomplete="email"
              inputmode="email"
              required
              maxlength="320"
              value={props.email ?? ''}
              aria-describedby={describedBy('email', { hint, error: props.error })}
              aria-invalid={props.error ? 'true' : undefined}
            />
          </Field>
          <button type="submit">Email me a sign-in link</button>
        </form>
        {props.area === 'desk' ? (
          <p class="muted">No account yet? An administrator adds agents with <code>parley agent:add</code>.</p>
        ) : (
          <p class="muted">
            Looking for an answer? <a href="/kb">Search the help centre</a>.
          </p>
        )}
      </div>
    </Layout>
  );
}

export function CheckEmailPage(props: AuthPageContext & { email: string; minutes: number }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Check your email" csrfToken={props.csrfToken} section="sign-in" area={props.area}>
      <div class="narrow">
        <h1>Check your email</h1>
        <p>
          If <strong safe>{props.email}</strong> is {props.area === 'desk' ? 'an agent\'s address' : 'the address you have used with us'}, a sign-in link is on its way. It works once, within{' '}
          {props.minutes} minutes.
        </p>
        <p class="muted">Nothing after a few minutes? Check your spam folder, or ask for a new link.</p>
        <p>
          <a class="button secondary" href={signInPath(props)}>
            Ask for a new link
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function ConfirmLinkPage(props: AuthPageContext & { action: string; next?: string }): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Sign in" csrfToken={props.csrfToken} section="sign-in" area={props.area}>
      <div class="narrow">
        <h1>Sign in</h1>
        <p>Press the button to finish signing in on this device.</p>
        <form method="post" action={props.action} class="stack" hx-boost="false">
          <CsrfField token={props.csrfToken} />
          {props.next ? <input type="hidden" name="next" value={props.next} /> : ''}
          <button type="submit">Continue and sign in</button>
        </form>
      </div>
    </Layout>
  );
}

export function LinkProblemPage(props: AuthPageContext & { reason: 'invalid' | 'expired' | 'used' }): JSX.Element {
  const text =
    props.reason === 'used'
      ? 'This sign-in link has already been used. Each link works once.'
      : props.reason === 'expired'
        ? 'This sign-in link has expired.'
        : 'This sign-in link is not valid. Please use the link from the email exactly as it is.';
  return (
    <Layout chrome={props.chrome} title="Link not valid" csrfToken={props.csrfToken} section="sign-in" area={props.area}>
      <div class="narrow">
        <h1>This link does not work any more</h1>
        <p>{text}</p>
        <p>
          <a class="button" href={signInPath(props)}>
            Get a new sign-in link
          </a>
        </p>
      </div>
    </Layout>
  );
}

export function HostConfirmPage(
  props: AuthPageContext & { identity: Record<string, string>; displayName: string; next?: string },
): JSX.Element {
  return (
    <Layout chrome={props.chrome} title="Sign in" csrfToken={props.csrfToken} section="sign-in" area={props.area}>
      <div class="narrow">
        <h1>Continue to support</h1>
        <p>
          Continue as <strong safe>{props.displayName}</strong>?
        </p>
        <form method="post" action="/sign-in/host" class="stack" hx-boost="false">
          <CsrfField token={props.csrfToken} />
          {Object.entries(props.identity).map(([name, value]) => (
            <input type="hidden" name={name} value={value} />
          ))}
          {props.next ? <input type="hidden" name="next" value={props.next} /> : ''}
          <button type="submit">Continue</button>
        </form>
      </div>
    </Layout>
  );
}
