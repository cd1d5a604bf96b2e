import { unstorableText } from '../../../common/http/unstorable-text.pipe';
import { OAuthError } from './oauth-error';

/** The staff credentials of a token request with `grant_type=password`. */
export interface PasswordGrant {
  username: string;
  password: string;
}

/** The same bounds as POST /v1/auth/login, so neither door takes what the other refuses. */
const MAX_USERNAME_LENGTH = 254;
const MAX_PASSWORD_LENGTH = 1024;

/**
 * Reads a token request (RFC 6749 §4.3.2) from the parsed form, or throws the RFC's error for it.
 * `body` is undefined when the request was not `application/x-www-form-urlencoded` (JSON included):
 * the RFC defines only that encoding. Unknown parameters are ignored (§3.1); `client_id` and
 * `client_secret` among them, since staff log in without a registered client. Repeated parameters are
 * refused (§3.1), which the form parser shows as arrays.
 */
export function readPasswordGrant(body: unknown): PasswordGrant {
  if (typeof body !== 'object' || body === null) {
    throw new OAuthError(
      'invalid_request',
      'Send grant_type, username and password as application/x-www-form-urlencoded (RFC 6749 §4.3.2).',
    );
  }
  const form = body as Record<string, unknown>;
  const repeated = Object.keys(form).filter((name) => Array.isArray(form[name]));
  if (repeated.length > 0) {
    throw new OAuthError('invalid_request', `Each parameter may appear once; repeated: ${repeated.join(', ')}.`);
  }
  const grantType = parameter(form, 'grant_type');
  if (grantType !== 'password') {
    throw new OAuthError('unsupported_grant_type', 'Only grant_type=password is supported.');
  }
  const username = parameter(form, 'username');
  const password = parameter(form, 'password');
  if (username.length > MAX_USERNAME_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new OAuthError(
      'invalid_request',
      `username is at most ${MAX_USERNAME_LENGTH} and password at most ${MAX_PASSWORD_LENGTH} characters.`,
    );
  }
  for (const [name, value] of Object.entries({ username, password })) {
    const flaw = unstorableText(value);
    if (flaw !== undefined) throw new OAuthError('invalid_request', `${name} ${flaw}.`);
  }
  // Staff tokens carry every right of their role: there is no narrower scope to grant.
  if ((form.scope ?? '') !== '') {
    throw new OAuthError('invalid_scope', 'This service defines no scopes; omit scope or leave it empty.');
  }
  return { username, password };
}

function parameter(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  if (typeof value !== 'string' || value === '') {
    throw new OAuthError('invalid_request', `The parameter ${name} is missing.`);
  }
  return value;
}
