// Cookies written by hand rather than through Koa's `ctx.cookies.set`: Koa
// refuses a Secure cookie unless it believes the request itself was HTTPS,
// but behind a TLS-terminating proxy the truth is PUBLIC_URL's scheme. The
// caller decides `secure` from the configuration.
import type { Context } from 'koa';

export interface CookieOptions {
  /** Omit for a browser-session cookie. */
  maxAgeSeconds?: number;
  secure: boolean;
  httpOnly?: boolean;
  sameSite?: 'Lax' | 'Strict';
  path?: string;
}

const NAME = /^[A-Za-z0-9_-]+$/;
const VALUE = /^[A-Za-z0-9._~-]*$/;

export function setCookie(ctx: Context, name: string, value: string, options: CookieOptions): void {
  if (!NAME.test(name) || !VALUE.test(value)) throw new Error(`cookie ${name}: unsafe name or value`);
  const parts = [`${name}=${value}`, `Path=${options.path ?? '/'}`, `SameSite=${options.sameSite ?? 'Lax'}`];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.httpOnly !== false) parts.push('HttpOnly');
  if (options.secure) parts.push('Secure');
  // Replace an earlier Set-Cookie for the same name in this response.
  const existing = ctx.response.get('Set-Cookie') as unknown as string[] | string | undefined;
  const others = (Array.isArray(existing) ? existing : existing ? [existing] : []).filter((c) => !c.startsWith(`${name}=`));
  ctx.set('Set-Cookie', [...others, parts.join('; ')]);
}

export function clearCookie(ctx: Context, name: string, options: Omit<CookieOptions, 'maxAgeSeconds'>): void {
  setCookie(ctx, name, '', { ...options, maxAgeSeconds: 0 });
}

/** The raw value of a cookie the browser sent, if it has a safe shape. */
export function readCookie(ctx: Context, name: string): string | undefined {
  const header = ctx.get('cookie');
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() !== name) continue;
    const value = pair.slice(eq + 1).trim();
    return VALUE.test(value) && value ? value : undefined;
  }
  return undefined;
}
