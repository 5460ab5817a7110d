// Feeding a stream we do not own (an SMTP DATA stream, a MIME part) into one
// that may give up half-way (a size limit, a full disk). The consumer gets its
// own PassThrough; if it is destroyed early, the source is still read to its
// end and the rest thrown away, so the SMTP conversation or the MIME parser
// carries on instead of stalling on back-pressure nobody will relieve.
import { PassThrough, type Readable } from 'node:stream';

export interface DrainSafe {
  /** What the consumer reads. */
  body: Readable;
  /** Settles once the source has been read to its end (or failed). */
  drained: Promise<{ bytes: number }>;
}

export function drainSafe(source: Readable): DrainSafe {
  const body = new PassThrough();
  let bytes = 0;
  let detached = false;
  const detach = () => {
    if (detached) return;
    detached = true;
    source.resume();
  };
  body.once('close', () => {
    if (!body.writableEnded) detach();
  });
  const drained = new Promise<{ bytes: number }>((resolve, reject) => {
    source.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (detached) return;
      if (!body.write(chunk)) {
        source.pause();
        body.once('drain', () => {
          if (!detached) source.resume();
        });
      }
    });
    source.once('end', () => {
      if (!detached) body.end();
      resolve({ bytes });
    });
    source.once('error', (error) => {
      if (!detached) body.destroy(error);
      reject(error);
    });
  });
  // Callers look at `drained` only when they need to; never let it go unhandled.
  drained.catch(() => {});
  return { body, drained };
}
