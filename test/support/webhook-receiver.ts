import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The `t` of the request's `Licensor-Signature` when its `v1` is the HMAC-SHA256 of `<t>.<body>` under `secret`,
 * computed here as a receiver would (independently of the service's code); undefined otherwise.
 */
export function verifiedSignatureTime(secret: string, request: ReceivedRequest): number | undefined {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['licensor-signature']));
  if (match === null) return undefined;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest('hex');
  return expected === match[2] ? Number(match[1]) : undefined;
}

/** A local webhook receiver on 127.0.0.1 that records every request and answers what it is told. */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Statuses to answer, first in first out; 200 once they are used up. */
  private readonly statuses: number[] = [];
  delayMs = 0;
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({
          method: request.method ?? '',
          path: request.url ?? '',
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        const status = this.statuses.shift() ?? 200;
        setTimeout(() => response.writeHead(status, { 'Content-Type': 'text/plain' }).end('ok'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    const { port } = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${port}${path}`;
  }

  answer(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  at(path: string): ReceivedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  reset(): void {
    this.requests.length = 0;
    this.statuses.length = 0;
    this.delayMs = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
