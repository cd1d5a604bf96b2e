import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OAUTH_ERROR_CODES, OAuthErrorCode } from '../oauth/oauth-error';

/**
 * The form of POST /v1/auth/token, for the OpenAPI document only: RFC 6749 wants its own errors and
 * unknown parameters ignored, so readPasswordGrant reads the form instead of the ValidationPipe.
 */
export class OAuthTokenRequestDto {
  @ApiProperty({ enum: ['password'], example: 'password' })
  grant_type: 'password';

  @ApiProperty({
    description: "The staff user's e-mail.",
    format: 'email',
    maxLength: 254,
    example: 'admin@licensor.localhost',
  })
  username: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 1024, example: 'correct horse battery staple' })
  password: string;

  @ApiPropertyOptional({ description: 'There are no scopes: leave it out or empty.', maxLength: 0, example: '' })
  scope?: string;
}

export class OAuthTokenResponseDto {
  @ApiProperty({
    description: 'A staff JWT to send as "Authorization: Bearer <access_token>".',
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl',
  })
  access_token: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  token_type: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the token expires.', minimum: 1, example: 900 })
  expires_in: number;
}

/** RFC 6749 §5.2: the token endpoint's errors, which are not problem documents. */
export class OAuthErrorResponseDto {
  @ApiProperty({ enum: OAUTH_ERROR_CODES, example: 'invalid_grant' })
  error: OAuthErrorCode;

  @ApiProperty({ example: 'The e-mail or the password is wrong.' })
  error_description: string;
}
