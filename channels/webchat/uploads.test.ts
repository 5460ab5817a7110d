// Visitor uploads: stored while streaming within the size and type limits,
// attached by a signed receipt, served back only through a signed download
// link, as an attachment with nosniff.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startWebchat, Visitor } from './test-helpers.ts';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);
let service: Awaited<ReturnType<typeof startWebchat>>;

test.before(async () => {
  service = await startWebchat({ overrides: { uploadMaxBytes: 64 * 1024, uploadTypes: ['image/png', 'application/pdf', 'text/plain'] } });
});
test.after.always(async () => service?.close());

/** Every file in the attachment store, temporary ones included. */
function storedFiles(): string[] {
  const root = path.join(service.dataDir, 'attachments');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
}

test.serial('an uploaded image goes with a message and downloads as an attachment for its owner only', async (t) => {
  const visitor = await Visitor.start(service.url);
  const upload = await visitor.upload('screen shot.png', 'image/png', PNG);
  t.is(upload.status, 201);
  t.is(upload.body.filename, 'screen shot.png');
  t.is(upload.body.size, PNG.length);

  const sent = await visitor.send('', {}, { uploads: [upload.body.upload] });
  t.is(sent.status, 201);
  const [file] = sent.body.message.attachments;
  t.like(file, { filename: 'screen shot.png', contentType: 'image/png', size: PNG.length, image: true });

  const res = await fetch(`${service.url}${file.url}`);
  t.is(res.status, 200);
  t.is(res.headers.get('content-type'), 'image/png');
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
  t.regex(res.headers.get('content-disposition')!, /^attachment; filename="screen shot.png"/);
  t.regex(res.headers.get('content-security-policy')!, /sandbox/);
  t.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);

  // Without the signature, or with another file's, there is nothing to see.
  const id = file.id;
  t.is((await fetch(`${service.url}/chat/files/${id}`)).status, 404);
  t.is((await fetch(`${service.url}/chat/files/${id + 1}${file.url.slice(file.url.indexOf('?'))}`)).status, 404);

  // A receipt is only good for the visitor who uploaded.
  const stranger = await Visitor.start(service.url);
  const stolen = await stranger.send('look at this', {}, { uploads: [upload.body.upload] });
  t.is(stolen.status, 422);
  t.is(stolen.body.code, 'bad_upload_receipt');
});

test.serial('an oversize upload is refused with 413 and leaves nothing behind', async (t) => {
  const visitor = await Visitor.start(service.url);
  const before = storedFiles();
  // Streamed: the declared size is within bounds but the file is not.
  const big = await visitor.upload('notes.txt', 'text/plain', Buffer.alloc(64 * 1024 + 1, 'a'));
  t.is(big.status, 413);
  t.is(big.body.code, 'too_large');
  // Refused on its declared length before reading.
  const huge = await visitor.upload('huge.txt', 'text/plain', Buffer.alloc(1024 * 1024, 'b'));
  t.is(huge.status, 413);
  t.deepEqual(storedFiles(), before);
  const exact = await visitor.upload('notes.txt', 'text/plain', Buffer.alloc(64 * 1024, 'a'));
  t.is(exact.status, 201);
});

test.serial('files of other types, or that lie about their type, are refused', async (t) => {
  const visitor = await Visitor.start(service.url);
  const before = storedFiles();
  const html = await visitor.upload('page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
  t.is(html.status, 415);
  t.is(html.body.code, 'unsupported_type');
  const fake = await visitor.upload('photo.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
  t.is(fake.status, 415);
  t.is(fake.body.code, 'type_mismatch');
  const empty = await visitor.upload('empty.txt', 'text/plain', Buffer.alloc(0));
  t.is(empty.status, 422);
  t.deepEqual(storedFiles(), before);
});
