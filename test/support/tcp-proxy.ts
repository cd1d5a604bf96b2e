import { AddressInfo, connect, createServer, Server, Socket } from 'node:net';

/**
 * A TCP proxy between the app and its database server, so a test can take the database away under a running
 * service and give it back: `cut()` resets every open connection, as a server that stops or a network that
 * drops does, and resets each new one at once, as long as the cut lasts; `restore()` lets connections through
 * again. Point the app at `proxiedUrl(url)`.
 */
export class TcpProxy {
  private readonly server: Server;
  /** Each open connection: the app's side and the server's side. */
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>();
  private isCut = false;
  /** Connections accepted and passed on to the server since start: proves the app talks through the proxy. */
  passedOn = 0;
  /** Connections reset on arrival while cut. */
  refused = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  /** A proxy to the server that `url` (postgres://…) names. */
  static toServerOf(url: string): TcpProxy {
    const parsed = new URL(url);
    return new TcpProxy({ host: parsed.hostname, port: Number(parsed.port || 5432) });
  }

  /** Listens on a free port of 127.0.0.1. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `url` with its host and port replaced by the proxy's: user, database and parameters stay. */
  proxiedUrl(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** Resets every open connection, and every new one until {@link restore}. */
  cut(): void {
    this.isCut = true;
    for (const pair of this.pairs) this.drop(pair);
  }

  restore(): void {
    this.isCut = false;
  }

  /** Cuts, then stops listening; resolves when the listening socket is closed. */
  async close(): Promise<void> {
    this.cut();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    // A reset arrives at the app as ECONNRESET, or as pg's "Connection terminated unexpectedly".
    client.on('error', () => undefined);
    if (this.isCut) {
      this.refused += 1;
      client.resetAndDestroy();
      return;
    }
    this.passedOn += 1;
    const upstream = connect(this.target.port, this.target.host);
    upstream.on('error', () => undefined);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side ending ends the other: the proxy never keeps a half of a connection open.
    const end = () => this.drop(pair);
    client.once('close', end);
    upstream.once('close', end);
  }

  private drop(pair: { client: Socket; upstream: Socket }): void {
    if (!this.pairs.delete(pair)) return;
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    pair.upstream.destroy();
  }
}
