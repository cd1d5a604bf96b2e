import * as fs from 'node:fs';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A `postgres://` URL on loopback that the ordinary `pg` driver connects to. */
  url: string;
  dataPath: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite (PostgreSQL compiled to WebAssembly) on the data directory and serves it on a loopback
 * port, so the app and the migration CLI use the same `pg`/TypeORM path as with a real server.
 * PGlite runs one session: the socket server queues the connections and keeps a transaction to the
 * connection that opened it, which is why every query inside a transaction must use its EntityManager.
 */
export async function startEmbeddedPostgres(dataDir: string, maxConnections: number): Promise<EmbeddedPostgres> {
  const dataPath = path.join(dataDir, 'pgdata');
  // PGlite creates only the last folder of the path itself.
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataPath);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections });
  await server.start();
  const port = server.getServerConn().split(':').pop();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataPath,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
