import pino from 'pino';
import { prettyLogStream } from './logging.module';

/** A pino logger writing through the pretty stream, without colours, and the lines it wrote. */
function prettyLogger(): { logger: pino.Logger; lines: () => string[] } {
  const written: string[] = [];
  const logger = pino({}, prettyLogStream({ write: (text: string) => written.push(text) }, false));
  return { logger, lines: () => written.join('').split('\n').slice(0, -1) };
}

const TIME = String.raw`\[\d{2}:\d{2}:\d{2}\.\d{3}\]`;

describe('prettyLogStream', () => {
  it('writes one readable line per entry: local time, level, [context] and message, no pid or host', () => {
    const { logger, lines } = prettyLogger();
    logger.info({ context: 'Licensor' }, 'Listening on 127.0.0.1:3000');
    logger.warn('No context here');

    expect(lines()).toEqual([
      expect.stringMatching(new RegExp(`^${TIME} INFO: \\[Licensor\\] Listening on 127\\.0\\.0\\.1:3000$`)),
      expect.stringMatching(new RegExp(`^${TIME} WARN: No context here$`)),
    ]);
  });

  it("sums a request up on its line: method, route template, status, duration and the request's id", () => {
    const { logger, lines } = prettyLogger();
    logger.info(
      { req: { id: 'req-1', method: 'GET' }, res: { statusCode: 200 }, responseTime: 12, route: '/health' },
      'request completed',
    );
    logger.info({ context: 'Health', req: { id: 'req-2', method: 'GET' } }, 'Database is slow');

    expect(lines()).toEqual([
      expect.stringMatching(new RegExp(`^${TIME} INFO: request completed: GET /health 200 in 12 ms req=req-1$`)),
      expect.stringMatching(new RegExp(`^${TIME} INFO: \\[Health\\] Database is slow req=req-2$`)),
    ]);
  });

  it('keeps other fields on the line and prints an error with its stack', () => {
    const { logger, lines } = prettyLogger();
    logger.info({ context: 'ReminderJob', sent: 3 }, 'Sent update-subscription reminders');
    logger.error({ err: new Error('boom') }, 'Webhook dispatch failed');

    const [reminders, failure, ...stack] = lines();
    expect(reminders).toMatch(/INFO: \[ReminderJob\] Sent update-subscription reminders {"sent":3}$/);
    expect(failure).toMatch(/ERROR: Webhook dispatch failed ?$/);
    expect(stack.join('\n')).toContain('Error: boom');
    expect(stack.join('\n')).toContain('pretty-log-stream.spec.ts');
  });

  it('colours the level when asked to', () => {
    const written: string[] = [];
    pino({}, prettyLogStream({ write: (text: string) => written.push(text) }, true)).error('in red');
    expect(written.join('')).toContain('\u001b[31mERROR\u001b[39m');
  });
});
