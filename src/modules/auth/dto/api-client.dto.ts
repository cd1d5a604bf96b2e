import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { ApiClientEntity } from '../api-client.entity';

export class CreateApiClientDto {
  @ApiProperty({ example: 'Web shop', minLength: 1, maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;
}

export class ApiClientResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Web shop' })
  name: string;

  @ApiProperty({ description: 'The first characters of the key, to tell keys apart.', example: 'lsk_Jx3k9QaB' })
  keyPrefix: string;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  revokedAt: string | null;

  static from(client: ApiClientEntity): ApiClientResponseDto {
    return {
      id: client.id,
      name: client.name,
      keyPrefix: client.keyPrefix,
      createdAt: client.createdAt.toISOString(),
      revokedAt: client.revokedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiClientResponseDto extends ApiClientResponseDto {
  @ApiProperty({
    description: 'The API key. Shown only in this answer: store it in the storefront now.',
    example: 'lsk_Jx3k9QaBv1qYh0wT6yFh2nq3R8sPZ4kE7m1cX5dLuGo',
  })
  apiKey: string;
}
