import { ServerResponse } from 'node:http';
import { LoggerService } from '@nestjs/common';

/** A file to send as a download, produced chunk by chunk while it is sent. */
export interface Download {
  contentType: string;
  fileName: string;
  /**
   * The file's text in order. The first chunk must come from the first successful read: until it is there nothing
   * is sent, and a failure is still answered with a problem document.
   */
  chunks: AsyncIterator<string>;
}

/**
 * Sends `download` as the answer, chunk by chunk, waiting for the client to take each one (`drain`) before asking
 * for the next, so that memory holds a chunk or two whatever the size of the file. A client that goes away stops
 * the production (`return()` on the chunks). A failure before the first byte is thrown, for the exception filter
 * to answer; after it, the status line has gone out and a problem document cannot follow: the failure is logged
 * and the connection destroyed, so the client sees a broken download rather than a file that looks complete.
 */
export async function sendDownload(response: ServerResponse, download: Download, logger: LoggerService): Promise<void> {
  let clientGone = false;
  response.once('close', () => {
    if (!response.writableFinished) clientGone = true;
  });
  const { chunks } = download;
  let chunk = await chunks.next();
  response.statusCode = 200;
  response.setHeader('Content-Type', download.contentType);
  response.setHeader('Content-Disposition', `attachment; filename="${download.fileName}"`);
  // The file holds license keys and personal data: no cache keeps a copy.
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Vary', 'Accept');
  try {
    while (chunk.done !== true) {
      if (clientGone || !(await write(response, chunk.value))) break;
      chunk = await chunks.next();
    }
    if (chunk.done === true) {
      response.end();
      return;
    }
    // The client went away: stop reading.
    await chunks.return?.();
  } catch (error) {
    logger.error({ err: error }, 'An export failed after its first bytes were sent; the download was cut off');
    response.destroy();
    await Promise.resolve(chunks.return?.()).catch(() => undefined);
  }
}

/** Writes `text`, waiting for the client to take it when the buffer is full; false when the client went away. */
function write(response: ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(text)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (taken: boolean) => () => {
      response.off('drain', drained);
      response.off('close', closed);
      resolve(taken);
    };
    const drained = settle(true);
    const closed = settle(false);
    response.once('drain', drained);
    response.once('close', closed);
  });
}
