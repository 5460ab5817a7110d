// What every browser test shares: Debian's chromium driven by playwright-core
// (npm cannot download a browser here; .ci/run installs the package), the
// two screen sizes pages must work at, a folder for screenshots, and a free
// port chosen up front so links built from PUBLIC_URL lead back to the test's
// own service.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const SIZES = [
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, isMobile: false, hasTouch: false },
] as const;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `artifacts/<name>` (gitignored), created if missing. */
export function artifactsDir(name: string): string {
  const dir = path.join(root, 'artifacts', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags chromium tries to reach Google's
    // hosts, which this closed network refuses.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
