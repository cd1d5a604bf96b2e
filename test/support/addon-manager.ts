import { createCipheriv, randomBytes } from 'node:crypto';
import request from 'supertest';
import { MANAGER_CIPHER_KEY, macOf } from '../../src/modules/addon-manager/manager-envelope';

/** A value as PHP's serialize() writes it: objects are PHP arrays (string keys, or numeric strings as ints). */
export type PhpLike = null | boolean | number | string | PhpLike[] | { [key: string]: PhpLike };

/** PHP's serialize() for the values the add-on manager sends. */
export function phpSerialize(value: PhpLike): string {
  if (value === null) return 'N;';
  if (typeof value === 'boolean') return `b:${value ? 1 : 0};`;
  if (typeof value === 'number') return Number.isInteger(value) ? `i:${value};` : `d:${value};`;
  if (typeof value === 'string') return `s:${Buffer.byteLength(value)}:"${value}";`;
  const entries = Array.isArray(value) ? value.map((entry, index) => [index, entry] as const) : Object.entries(value);
  const body = entries
    .map(
      ([key, entry]) =>
        `${typeof key === 'number' || /^(0|[1-9]\d*)$/.test(key) ? `i:${key};` : phpSerialize(key)}${phpSerialize(entry)}`,
    )
    .join('');
  return `a:${entries.length}:{${body}}`;
}

/** The manager's envelope around `plaintext`: base64(mac ‖ AES-128-CFB ciphertext ‖ iv). */
export function sealEnvelope(plaintext: string | Buffer, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv('aes-128-cfb', MANAGER_CIPHER_KEY, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([macOf(ciphertext), ciphertext, iv]).toString('base64');
}

export interface ManagerCall {
  action: string;
  params?: { [key: string]: PhpLike };
  /** The store's open storefronts, comma-joined into params.domains. */
  domains?: string[];
  mainDomain?: string;
}

/** The plaintext the manager serializes for `call`: its fixed fields and params with version, edition, domains. */
export function managerPlaintext(call: ManagerCall): string {
  return phpSerialize({
    lang_code: 'en',
    referer: 'https://shop.example.com/admin.php?dispatch=cp_addons_manager.manage',
    main_domain: call.mainDomain ?? 'https://shop.example.com',
    extra_headers: '',
    test: '',
    token: '',
    action: call.action,
    api: '1.0',
    params: {
      version: '4.18.3',
      edition: 'M',
      domains: (call.domains ?? ['shop.example.com']).join(','),
      ...call.params,
    },
  });
}

/** POSTs `zdata` as the manager does: one multipart field. */
export function postManager(http: request.Agent | ReturnType<typeof request>, zdata: string): request.Test {
  return (http as ReturnType<typeof request>)
    .post('/license_api.php')
    .set('Accept-Charset', 'UTF-8')
    .field('zdata', zdata);
}
