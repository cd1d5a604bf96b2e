import { sealEnvelope } from '../../../test/support/addon-manager';
import { openEnvelope } from './manager-envelope';

describe('openEnvelope', () => {
  it('opens what the manager seals', () => {
    const opened = openEnvelope(sealEnvelope('a:1:{s:6:"action";s:7:"get_all";}'));
    expect(opened).toEqual({ ok: true, plaintext: Buffer.from('a:1:{s:6:"action";s:7:"get_all";}') });
  });

  it('opens a value PHP 8 sealed: openssl_encrypt aes-128-cfb with the 27-byte constant, hash_hmac sha256', () => {
    // Made by: base64_encode(hash_hmac('sha256', $ct, $k, true) . $ct . $iv), $ct = openssl_encrypt('i:7;',
    // 'AES-128-CFB', $k, OPENSSL_RAW_DATA, $iv), $iv = str_repeat("\x01", 16).
    const zdata = 'WHQ/V1yfMI2ZzaZGklPMhbIypOoGi0HYIIb2swShWmRWyuRjAQEBAQEBAQEBAQEBAQEBAQ==';
    expect(sealEnvelope('i:7;', Buffer.alloc(16, 1))).toBe(zdata);
    expect(openEnvelope(zdata)).toEqual({ ok: true, plaintext: Buffer.from('i:7;') });
  });

  it('tolerates line breaks a proxy added', () => {
    const zdata = sealEnvelope('N;');
    expect(openEnvelope(`${zdata.slice(0, 10)}\r\n${zdata.slice(10)}`).ok).toBe(true);
  });

  it.each([
    ['not base64', '!!!not base64!!!', 'not base64'],
    ['too short', Buffer.alloc(40).toString('base64'), 'too short'],
  ])('refuses a value that is %s', (_name, zdata, reason) => {
    expect(openEnvelope(zdata)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('refuses a wrong mac, and a ciphertext changed under its mac', () => {
    const sealed = Buffer.from(sealEnvelope('s:5:"hello";'), 'base64');
    const wrongMac = Buffer.from(sealed);
    wrongMac[0] ^= 1;
    expect(openEnvelope(wrongMac.toString('base64'))).toEqual({ ok: false, reason: 'the envelope mac does not match' });
    const changed = Buffer.from(sealed);
    changed[33] ^= 1;
    expect(openEnvelope(changed.toString('base64')).ok).toBe(false);
  });
});
