import { Agent, IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/** A request exactly as it goes on the wire: no header or body is added, encoded or checked for us. */
export interface WireRequest {
  method: string;
  /** Path and query string, as sent. */
  target: string;
  headers: [name: string, value: string][];
  body?: Buffer;
}

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * Bodies past the service's 1 MB limit go over a plain socket: the service answers 413 and closes the
 * connection before it has read them, which Node's client reports as a reset instead of the answer.
 */
const OVER_BODY_LIMIT = 1024 * 1024;

/** Long enough for a 1 MB body on a busy machine; a server that says nothing for this long has hung. */
const ANSWER_TIMEOUT_MS = 30_000;

/**
 * Sends `request` to 127.0.0.1:`port` with Node's HTTP client on kept-alive connections. What that client
 * refuses to send (CR or LF in a header, a control character or raw Unicode in the path) goes over a plain
 * socket instead, so that the server's own parser is what refuses it; so does a body over the limit.
 */
export function sendRequest(port: number, agent: Agent, request: WireRequest): Promise<WireResponse> {
  // Given as a list, headers are sent as they are: Node adds no Host, and no chunked encoding when told a length.
  const headers: [string, string][] = [['Host', `127.0.0.1:${port}`], ...request.headers, ...lengthHeader(request)];
  if ((request.body?.length ?? 0) > OVER_BODY_LIMIT) return sendOverSocket(port, request);
  let outgoing: ReturnType<typeof httpRequest>;
  try {
    outgoing = httpRequest({
      host: '127.0.0.1',
      port,
      agent,
      method: request.method,
      path: request.target,
      headers: headers.flat(),
      timeout: ANSWER_TIMEOUT_MS,
    });
  } catch {
    return sendOverSocket(port, request);
  }
  return new Promise<WireResponse>((resolve, reject) => {
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    outgoing.end(request.body);
  });
}

function sendOverSocket(port: number, request: WireRequest): Promise<WireResponse> {
  const lines = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: close',
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ...lengthHeader(request).map(([name, value]) => `${name}: ${value}`),
  ];
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
  return new Promise<WireResponse>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(ANSWER_TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${ANSWER_TIMEOUT_MS} ms`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      // The server may close the connection while the body is still being written: what it answered counts.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') socket.end();
      else reject(error);
    });
    socket.on('close', () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    socket.write(request.body === undefined ? head : Buffer.concat([head, request.body]));
  });
}

/** As ordinary clients send it: a body's length, and 0 for a POST, PUT, PATCH or DELETE without one. */
function lengthHeader(request: WireRequest): [string, string][] {
  if (request.body !== undefined) return [['Content-Length', String(request.body.length)]];
  return ['GET', 'HEAD'].includes(request.method) ? [] : [['Content-Length', '0']];
}

function parseResponse(raw: Buffer): WireResponse {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) throw new Error(`the server closed the connection without an answer (${raw.length} bytes)`);
  const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (status === null) throw new Error(`not an HTTP answer: ${JSON.stringify(statusLine)}`);
  const headers: IncomingHttpHeaders = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = raw.subarray(split + 4);
  return {
    status: Number(status[1]),
    headers,
    text: (headers['transfer-encoding'] === 'chunked' ? dechunk(body) : body).toString('utf8'),
  };
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
