import { QueryFailedError } from 'typeorm';
import { serializeError } from './logging.module';

describe('serializeError', () => {
  it('keeps the SQL of a failed query but never its bound values (license keys, e-mails)', () => {
    const error = new QueryFailedError(
      'SELECT * FROM licenses WHERE key_lookup = $1',
      ['CPSECRETKEY'],
      new Error('boom'),
    );
    const serialized = serializeError(error);
    expect(serialized).toMatchObject({
      type: 'QueryFailedError',
      query: 'SELECT * FROM licenses WHERE key_lookup = $1',
    });
    expect(JSON.stringify(serialized)).not.toContain('CPSECRETKEY');
  });
});
