import { OAuthError, OAuthErrorCode } from './oauth-error';
import { readPasswordGrant } from './password-grant';

const valid = { grant_type: 'password', username: 'staff@licensor.test', password: 'pass word' };

describe('readPasswordGrant', () => {
  it.each<[string, unknown]>([
    ['the three parameters', valid],
    ['an empty scope, as Swagger UI sends it', { ...valid, scope: '' }],
    ['client_id and client_secret, which are ignored', { ...valid, client_id: 'swagger', client_secret: 'x' }],
    ['an unknown parameter, which is ignored', { ...valid, state: 'abc' }],
  ])('reads %s', (_case, body) => {
    expect(readPasswordGrant(body)).toEqual({ username: valid.username, password: valid.password });
  });

  it.each<[string, unknown, OAuthErrorCode, RegExp]>([
    ['no form at all (JSON or no body)', undefined, 'invalid_request', /x-www-form-urlencoded/],
    ['a null body', null, 'invalid_request', /x-www-form-urlencoded/],
    ['no grant_type', { username: valid.username, password: valid.password }, 'invalid_request', /grant_type/],
    ['an empty grant_type', { ...valid, grant_type: '' }, 'invalid_request', /grant_type/],
    ['another grant type', { ...valid, grant_type: 'client_credentials' }, 'unsupported_grant_type', /password/],
    ['the grant type in capitals', { ...valid, grant_type: 'PASSWORD' }, 'unsupported_grant_type', /password/],
    ['no username', { grant_type: 'password', password: 'x' }, 'invalid_request', /username/],
    ['no password', { grant_type: 'password', username: valid.username }, 'invalid_request', /password/],
    ['an empty password', { ...valid, password: '' }, 'invalid_request', /password/],
    ['a repeated parameter', { ...valid, username: ['a@b.test', 'c@d.test'] }, 'invalid_request', /username/],
    ['a username over 254 characters', { ...valid, username: `${'a'.repeat(250)}@b.test` }, 'invalid_request', /254/],
    ['a password over 1024 characters', { ...valid, password: 'p'.repeat(1025) }, 'invalid_request', /1024/],
    ['a scope', { ...valid, scope: 'licenses' }, 'invalid_scope', /scope/],
  ])('refuses %s', (_case, body, code, description) => {
    let thrown: unknown;
    try {
      readPasswordGrant(body);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(OAuthError);
    expect(thrown).toMatchObject({ error: code, description: expect.stringMatching(description) });
  });
});
