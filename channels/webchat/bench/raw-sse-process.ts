// The ceiling for the stream memory figure: Node's own HTTP server holding
// Server-Sent Events streams with nothing of ours in the way (no Koa, no
// routing, no hub). Same protocol as service-process.ts: "READY <url>", and
// {type:'rss'} over IPC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const open = new Set<http.ServerResponse>();
const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store' });
  res.write('retry: 3000\n\nevent: ticket\ndata: {}\n\n');
  open.add(res);
  res.once('close', () => open.delete(res));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('message', (message: { type?: string; id?: number }) => {
  if (message?.type === 'rss') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({ type: 'rss', id: message.id, rss: process.memoryUsage().rss });
  }
  if (message?.type === 'stop') {
    for (const res of open) res.destroy();
    server.close(() => process.exit(0));
  }
});
