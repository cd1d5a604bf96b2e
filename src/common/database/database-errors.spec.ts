import { createServer, Server, Socket } from 'node:net';
import { Pool } from 'pg';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../errors/domain-error';
import { isDatabaseUnavailable } from './database-errors';

/** An Error carrying a `code`, as Node's sockets and pg's DatabaseError (the SQLSTATE) set it. */
const coded = (code: string, message = `failed with ${code}`) => Object.assign(new Error(message), { code });
/** What PoolQueries and TypeORM's query runners throw for a failed query: the driver's error inside. */
const failedQuery = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);
/** Node's connect to a host name with several addresses (localhost: ::1 and 127.0.0.1). */
const aggregate = (...errors: Error[]) =>
  Object.assign(new AggregateError(errors, ''), { code: (errors[0] as { code?: string }).code });

describe('isDatabaseUnavailable', () => {
  it.each<[string, unknown]>([
    ['a refused connection (server stopped)', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', coded('ECONNRESET', 'read ECONNRESET')],
    ['a connect timeout of the socket', coded('ETIMEDOUT')],
    ['a write to a closed socket', coded('EPIPE', 'write EPIPE')],
    ['an unknown host', coded('ENOTFOUND', 'getaddrinfo ENOTFOUND db.internal')],
    ['a host name that cannot be resolved now', coded('EAI_AGAIN')],
    ['an unreachable host', coded('EHOSTUNREACH')],
    ['an unreachable network', coded('ENETUNREACH')],
    ['a lost connection', new Error('Connection terminated unexpectedly')],
    ['a pool connect that hit its timeout', new Error('Connection terminated due to connection timeout')],
    ['a pool with no free client in time', new Error('timeout exceeded when trying to connect')],
    ['a client whose connection failed', new Error('Client has encountered a connection error and is not queryable')],
    ['SQLSTATE 08006 connection_failure', coded('08006')],
    ['SQLSTATE 08001 sqlclient_unable_to_establish_sqlconnection', coded('08001')],
    ['SQLSTATE 08P01 protocol_violation (class 08)', coded('08P01')],
    ['SQLSTATE 57P01 admin_shutdown', coded('57P01', 'terminating connection due to administrator command')],
    ['SQLSTATE 57P02 crash_shutdown', coded('57P02')],
    ['SQLSTATE 57P03 cannot_connect_now', coded('57P03', 'the database system is starting up')],
    ['a failed query whose driver lost the connection', failedQuery(new Error('Connection terminated unexpectedly'))],
    ['a failed query on a server shutting down', failedQuery(coded('57P01'))],
    ['a failed query that could not connect', failedQuery(coded('ECONNREFUSED'))],
    ['every address of a host refused', aggregate(coded('ECONNREFUSED'), coded('ECONNREFUSED'))],
    ['an AggregateError without a code of its own', new AggregateError([coded('ECONNREFUSED')], '')],
    ['a failed query around an AggregateError', failedQuery(new AggregateError([coded('EHOSTUNREACH')], ''))],
    [
      "pg-pool's timeout around the socket error",
      new Error('Connection terminated due to connection timeout', { cause: coded('ETIMEDOUT') }),
    ],
    ['an Error whose cause is a lost connection', new Error('wrapped', { cause: coded('ECONNRESET') })],
    ['a plain object shaped like a driver error', { code: '57P03' }],
  ])('recognises %s', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a unique violation', failedQuery(coded('23505'))],
    ['a NUL character in a value', failedQuery(coded('22021'))],
    ['a syntax error', failedQuery(coded('42601', 'syntax error at or near "SELEC"'))],
    ['a cancelled statement (statement_timeout)', failedQuery(coded('57014'))],
    ['a serialization failure', failedQuery(coded('40001'))],
    ['a connection closed by the service itself', new Error('Connection terminated')],
    ['a client the service closed', new Error('Client was closed and is not queryable')],
    ['a missing Unix socket or file', coded('ENOENT')],
    ['a client that aborted its request (body-parser)', coded('ECONNABORTED', 'request aborted')],
    ['a domain error', new DomainError('NOT_FOUND', 'License was not found.')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a message that only mentions a timeout', new Error('the request timeout exceeded when trying to connect')],
    ['a numeric code', { code: 8006 }],
    ['a string', 'Connection terminated unexpectedly'],
    ['undefined', undefined],
    ['null', null],
    ['an AggregateError of other errors', new AggregateError([new TypeError('x'), coded('23505')], '')],
  ])('does not take %s for an outage', (_case, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('ends on an error that is its own cause', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

/** The installed node-postgres, against servers that misbehave as a stopped or cut-off database does. */
describe('isDatabaseUnavailable with the real driver', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A TCP server on a free port doing `onConnection` with each client; resolves with the port. */
  const listen = async (onConnection: (socket: Socket) => void): Promise<number> => {
    const server = createServer((socket) => {
      sockets.push(socket);
      onConnection(socket);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  };

  /** A port nothing listens on: one that was just free. */
  const closedPort = async (): Promise<number> => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  };

  /** The error of one query on a fresh pool to that port, as TypeORM would hand it on (unwrapped). */
  const queryError = async (port: number): Promise<unknown> => {
    const pool = new Pool({ host: '127.0.0.1', port, user: 'x', database: 'x', connectionTimeoutMillis: 300 });
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
    } catch (error) {
      return error;
    } finally {
      await pool.end();
    }
    throw new Error('the query succeeded');
  };

  it.each<[string, () => Promise<number>]>([
    ['no server on the port', closedPort],
    ['a server that drops the connection at once', () => listen((socket) => socket.destroy())],
    ['a server that never answers', () => listen(() => undefined)],
  ])('recognises what pg throws with %s', async (_case, port) => {
    const error = await queryError(await port());
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(new QueryFailedError('SELECT 1', [], error as Error))).toBe(true);
  });
});
