import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signatureHeader, webhookSignature } from './webhook-signature';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"7d3c","type":"license.issued","createdAt":"2026-03-02T09:00:00.000Z","data":{}}';

  it('is the hex HMAC-SHA256 of "<t>.<body>" under the secret', () => {
    const expected = createHmac('sha256', secret).update(`1772442000.${body}`).digest('hex');
    expect(webhookSignature(secret, 1772442000, body)).toBe(expected);
    expect(signatureHeader(secret, 1772442000, body)).toBe(`t=1772442000,v1=${expected}`);
  });

  it('matches a vector computed with openssl', () => {
    // printf '%s' '1.{}' | openssl dgst -sha256 -hmac key
    expect(webhookSignature('key', 1, '{}')).toBe('1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224');
  });

  it.each([
    ['another secret', 'whsec_other', 1772442000, body],
    ['another timestamp', secret, 1772442001, body],
    ['another body', secret, 1772442000, body.replace('issued', 'revoked')],
    ['one more space', secret, 1772442000, body + ' '],
  ])('changes with %s', (_case, otherSecret, timestamp, otherBody) => {
    expect(webhookSignature(otherSecret, timestamp, otherBody)).not.toBe(webhookSignature(secret, 1772442000, body));
  });

  it('signs the UTF-8 bytes of the body', () => {
    const unicode = '{"name":"Магазин ✓"}';
    const expected = createHmac('sha256', secret)
      .update(Buffer.from(`5.${unicode}`, 'utf8'))
      .digest('hex');
    expect(webhookSignature(secret, 5, unicode)).toBe(expected);
  });

  it('generates distinct whsec_ secrets with 256 random bits', () => {
    const secrets = new Set(Array.from({ length: 50 }, () => generateWebhookSecret()));
    expect(secrets.size).toBe(50);
    for (const generated of secrets) expect(generated).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});
