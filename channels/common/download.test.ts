import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { AttachmentStore } from '../../core/index.ts';
import { downloadFile, isAllowedUrl } from './download.ts';

test('only platform hosts are allowed: exact origins, or https under a domain', (t) => {
  const allowed = ['https://files.slack.com', '.discordapp.com', 'http://127.0.0.1:9999'];
  t.true(isAllowedUrl('https://files.slack.com/files-pri/T1-F1/a.pdf', allowed));
  t.true(isAllowedUrl('https://cdn.discordapp.com/attachments/1/2/a.png', allowed));
  t.true(isAllowedUrl('http://127.0.0.1:9999/x', allowed));
  t.false(isAllowedUrl('http://cdn.discordapp.com/a.png', allowed), 'no plain http for domain rules');
  t.false(isAllowedUrl('https://evil-discordapp.com/a.png', allowed));
  t.false(isAllowedUrl('https://files.slack.com.evil.example/a', allowed));
  t.false(isAllowedUrl('https://user:pw@files.slack.com/a', allowed));
  t.false(isAllowedUrl('http://127.0.0.1:9998/x', allowed));
  t.false(isAllowedUrl('not a url', allowed));
});

test('downloads stop at the size limit and follow no redirect off the platform', async (t) => {
  const server = http.createServer((req, res) => {
    if (req.url === '/big') return void res.writeHead(200).end(Buffer.alloc(2048, 1));
    if (req.url === '/away') return void res.writeHead(302, { location: 'http://localhost:1/elsewhere' }).end();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-dl-'));
  const store = new AttachmentStore(dir);
  try {
    const policy = { allowed: [origin], maxBytes: 1024 };
    const ok = await downloadFile(store, { url: `${origin}/small`, filename: '../../etc/passwd' }, policy);
    t.true(ok.ok);
    if (ok.ok) {
      t.is(ok.attachment.filename, '.._.._etc_passwd');
      t.is(ok.attachment.contentType, 'text/plain');
      t.is((await store.read(ok.attachment.sha256)).toString(), 'hello');
    }
    const big = await downloadFile(store, { url: `${origin}/big`, filename: 'big.bin' }, policy);
    t.false(big.ok);
    const away = await downloadFile(store, { url: `${origin}/away`, filename: 'x' }, policy);
    t.false(away.ok);
  } finally {
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
