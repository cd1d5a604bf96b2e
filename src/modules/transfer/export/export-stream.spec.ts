import { createServer, get, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { LoggerService } from '@nestjs/common';
import { Download, sendDownload } from './export-stream';

/** A real HTTP server whose every request is answered by `handle`, and a client that reads what arrives. */
async function serve(handle: (response: ServerResponse) => Promise<void>): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    void handle(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

interface Received {
  status?: number;
  headers?: IncomingMessage['headers'];
  body: string;
  /** Whether the body ended properly (false: the connection broke off). */
  complete: boolean;
}

function fetchText(url: string): Promise<Received> {
  return new Promise((resolve) => {
    const received: Received = { body: '', complete: false };
    const request = get(url, (response) => {
      received.status = response.statusCode;
      received.headers = response.headers;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (received.body += chunk));
      response.on('end', () => {
        received.complete = response.complete;
        resolve(received);
      });
      response.on('error', () => resolve(received));
      response.on('aborted', () => resolve(received));
    });
    request.on('error', () => resolve(received));
  });
}

/** A moment, as a read from the database takes. */
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

const download = (chunks: AsyncIterator<string>): Download => ({
  contentType: 'text/csv; charset=utf-8',
  fileName: 'licenses-2026-03-02.csv',
  chunks,
});

function fakeLogger(): LoggerService & { errors: unknown[][] } {
  const errors: unknown[][] = [];
  return { errors, log: () => undefined, warn: () => undefined, error: (...args: unknown[]) => errors.push(args) };
}

describe('sendDownload', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  it('sends every chunk as an attachment never cached, then ends the answer', async () => {
    async function* chunks() {
      yield 'a,b\r\n1,2\r\n';
      await tick();
      yield '3,4\r\n';
    }
    const logger = fakeLogger();
    const served = await serve((response) => sendDownload(response, download(chunks()), logger));
    server = served.server;
    const received = await fetchText(served.url);
    expect(received).toMatchObject({ status: 200, body: 'a,b\r\n1,2\r\n3,4\r\n', complete: true });
    expect(received.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="licenses-2026-03-02.csv"',
      'cache-control': 'no-store',
    });
    expect(logger.errors).toEqual([]);
  });

  it('throws a failure of the first read, having sent nothing, so that it can still be answered', async () => {
    // eslint-disable-next-line require-yield
    async function* chunks(): AsyncGenerator<string> {
      await tick();
      throw new Error('database down');
    }
    let thrown: unknown;
    const served = await serve(async (response) => {
      try {
        await sendDownload(response, download(chunks()), fakeLogger());
      } catch (error) {
        thrown = error;
        expect(response.headersSent).toBe(false);
        response.statusCode = 503;
        response.end('problem');
      }
    });
    server = served.server;
    expect(await fetchText(served.url)).toMatchObject({ status: 503, body: 'problem', complete: true });
    expect(thrown).toEqual(new Error('database down'));
  });

  it('cuts the connection off after a failure once bytes were sent, and logs it', async () => {
    async function* chunks() {
      yield 'a,b\r\n1,2\r\n';
      await tick();
      throw new Error('connection to the database lost');
    }
    const logger = fakeLogger();
    const served = await serve((response) => sendDownload(response, download(chunks()), logger));
    server = served.server;
    const received = await fetchText(served.url);
    expect(received.status).toBe(200);
    expect(received.body).toBe('a,b\r\n1,2\r\n');
    expect(received.complete).toBe(false);
    expect(logger.errors).toHaveLength(1);
    expect(logger.errors[0][0]).toEqual({ err: new Error('connection to the database lost') });
  });

  it('waits for the client to take each chunk, and stops producing when it goes away', async () => {
    const chunk = 'x'.repeat(1 << 20);
    let produced = 0;
    let stopped: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (stopped = resolve));
    async function* chunks() {
      try {
        for (;;) {
          produced += 1;
          yield await Promise.resolve(chunk);
        }
      } finally {
        stopped();
      }
    }
    const served = await serve((response) => sendDownload(response, download(chunks()), fakeLogger()));
    server = served.server;
    await new Promise<void>((resolve) => {
      const request = get(served.url, (response) => {
        // Reads one chunk's worth, then hangs up.
        let read = 0;
        response.on('data', (data: Buffer) => {
          read += data.length;
          if (read >= chunk.length) {
            request.destroy();
            resolve();
          }
        });
      });
      request.on('error', () => undefined);
    });
    await finished;
    // Back-pressure: a few chunks in the socket's buffers at most, not an endless production.
    expect(produced).toBeLessThan(20);
  });
});
