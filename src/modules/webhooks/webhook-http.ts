import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';

export type PostOutcome = { statusCode: number } | { error: string };

/**
 * POSTs `body` to `url` and resolves with the answer's status, or with why no answer came (refused
 * connection, timeout…); never rejects. Redirects are not followed (a 3xx is a failed attempt): following
 * them would let a receiver point the service at an address the URL check never saw. The answer's body is
 * read and discarded.
 */
export function postWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; lookup?: LookupFunction },
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      settle({ error: 'The URL is not valid.' });
      return;
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        lookup: options.lookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        response.on('error', () => undefined);
        response.resume();
        settle({ statusCode: response.statusCode ?? 0 });
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const timedOut = error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR';
      settle({ error: timedOut ? `No answer within ${options.timeoutMs} ms.` : error.message });
    });
    request.end(body);
  });
}
