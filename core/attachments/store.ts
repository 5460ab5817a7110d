// Content-addressed files under the data dir: a file's name is its sha256, so
// the same bytes are stored once and a stored file never changes. Writes go to
// a temporary file first and are renamed into place, so a crash leaves no
// half-written attachment behind. Size limits are enforced while streaming.
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../errors.ts';

export class TooLargeError extends DomainError {
  constructor(readonly limit: number) {
    super(`file is larger than the ${limit}-byte limit`, 413, 'too_large');
  }
}

export interface StoredFile {
  sha256: string;
  size: number;
}

export class AttachmentStore {
  constructor(private readonly root: string) {}

  pathFor(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a sha256');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(source: Readable | Buffer, maxBytes = Number.POSITIVE_INFINITY): Promise<StoredFile> {
    await fs.promises.mkdir(path.join(this.root, 'tmp'), { recursive: true });
    const tmp = path.join(this.root, 'tmp', randomBytes(12).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new TooLargeError(maxBytes));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    try {
      const input = Buffer.isBuffer(source) ? [source] : source;
      await pipeline(input as any, meter, fs.createWriteStream(tmp));
    } catch (error) {
      await fs.promises.rm(tmp, { force: true });
      throw error;
    }
    const sha256 = hash.digest('hex');
    const target = this.pathFor(sha256);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.rename(tmp, target);
    return { sha256, size };
  }

  exists(sha256: string): boolean {
    return fs.existsSync(this.pathFor(sha256));
  }

  open(sha256: string): fs.ReadStream {
    return fs.createReadStream(this.pathFor(sha256));
  }

  read(sha256: string): Promise<Buffer> {
    return fs.promises.readFile(this.pathFor(sha256));
  }
}
