// Loaded by ava before every test file: any outbound connection to a
// non-loopback address is an error, so a test can never quietly depend on the
// internet (or a real Slack, OpenAI...). Fakes listen on 127.0.0.1.
import dns from 'node:dns';
import net from 'node:net';

const loopback = (host: string | undefined) =>
  !host || host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host) || host === '::ffff:127.0.0.1';

function refuse(host: string | undefined): never {
  throw new Error(`network access to ${host} is not allowed in tests (only loopback); fake the service on 127.0.0.1`);
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: any[]) {
  const first = args[0];
  const options = typeof first === 'object' && first !== null && !Array.isArray(first) ? first : undefined;
  const host = options ? options.host : typeof args[1] === 'string' ? args[1] : undefined;
  const isPipe = options ? options.path !== undefined : typeof first === 'string' && Number.isNaN(Number(first));
  if (!isPipe && !loopback(host)) refuse(host);
  return (originalConnect as any).apply(this, args);
} as any;

const originalLookup = dns.lookup;
(dns as any).lookup = function guardedLookup(hostname: string, ...rest: any[]) {
  if (!loopback(hostname)) refuse(hostname);
  return (originalLookup as any).call(dns, hostname, ...rest);
};
