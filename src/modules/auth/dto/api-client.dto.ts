import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { IsFreeText } from '../../../common/validation/validation.decorators';
import { ApiClientKeyEntity } from '../api-client-key.entity';
import { ApiClientEntity } from '../api-client.entity';

const EXAMPLE_CLIENT_ID = '3f0e2a4c-9b1d-4c6e-8a2f-5d7b9c1e3a40';
const EXAMPLE_KEY_ID = 'b7c1d2e3-4f5a-4b6c-9d8e-0f1a2b3c4d5e';
const EXAMPLE_API_KEY = 'lsk_Jx3k9QaBv1qYh0wT6yFh2nq3R8sPZ4kE7m1cX5dLuGo';
const EXAMPLE_CREATED_AT = '2026-03-02T09:00:00.000Z';

export class CreateApiClientDto {
  @ApiProperty({ example: 'Web shop', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  @IsFreeText()
  name: string;
}

/** One key of an API client, as staff see it: never the key nor its hash. */
export class ApiClientKeyResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The key’s id, for revoking it.', example: EXAMPLE_KEY_ID })
  id: string;

  @ApiProperty({ description: 'The first characters of the key, to tell keys apart.', example: 'lsk_Jx3k9QaB' })
  keyPrefix: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE_CREATED_AT })
  createdAt: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the key last authenticated a request, to the minute; null until it has.',
    example: '2026-03-02T09:41:00.000Z',
  })
  lastUsedAt: string | null;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the key (or its whole client) was revoked; a revoked key is refused with 401.',
  })
  revokedAt: string | null;

  static from(key: ApiClientKeyEntity): ApiClientKeyResponseDto {
    return {
      id: key.id,
      keyPrefix: key.keyPrefix,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
    };
  }
}

export class ApiClientResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_CLIENT_ID })
  id: string;

  @ApiProperty({ example: 'Web shop' })
  name: string;

  @ApiProperty({
    description:
      'The prefix of the client’s first key (the one it was created with), kept for older readers; `keys` lists ' +
      'every key with its own prefix.',
    example: 'lsk_Jx3k9QaB',
  })
  keyPrefix: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE_CREATED_AT })
  createdAt: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When the client was revoked, with all its keys.',
  })
  revokedAt: string | null;

  @ApiProperty({
    type: [ApiClientKeyResponseDto],
    description: 'The client’s keys, oldest first, revoked ones included. Any key that is not revoked works.',
  })
  keys: ApiClientKeyResponseDto[];

  /** `keys` in the repository's order: the first key first. */
  static from(client: ApiClientEntity, keys: ApiClientKeyEntity[]): ApiClientResponseDto {
    return {
      id: client.id,
      name: client.name,
      keyPrefix: keys[0]?.keyPrefix ?? '',
      createdAt: client.createdAt.toISOString(),
      revokedAt: client.revokedAt?.toISOString() ?? null,
      keys: keys.map((key) => ApiClientKeyResponseDto.from(key)),
    };
  }
}

export class CreatedApiClientResponseDto extends ApiClientResponseDto {
  @ApiProperty({
    description: 'The API key. Shown only in this answer: store it in the storefront now.',
    example: EXAMPLE_API_KEY,
  })
  apiKey: string;
}

/** A key just issued for an existing client, shown once. */
export class CreatedApiClientKeyResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The key’s id, for revoking it later.', example: EXAMPLE_KEY_ID })
  keyId: string;

  @ApiProperty({
    description:
      'The new API key. Shown only in this answer: put it in the storefront, check that it works, then revoke the old one.',
    example: EXAMPLE_API_KEY,
  })
  apiKey: string;

  @ApiProperty({
    description: 'The first characters of the key, as GET /v1/api-clients lists it.',
    example: 'lsk_Jx3k9QaB',
  })
  keyPrefix: string;

  @ApiProperty({ format: 'date-time', example: EXAMPLE_CREATED_AT })
  createdAt: string;

  static from(key: ApiClientKeyEntity, apiKey: string): CreatedApiClientKeyResponseDto {
    return { keyId: key.id, apiKey, keyPrefix: key.keyPrefix, createdAt: key.createdAt.toISOString() };
  }
}
