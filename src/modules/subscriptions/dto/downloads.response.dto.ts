import { ApiProperty } from '@nestjs/swagger';
import { DownloadRefusal } from '../download.rules';

const REFUSALS: DownloadRefusal[] = ['UPDATES_EXPIRED', 'LICENSE_NOT_ACTIVE', 'LICENSE_REVOKED'];

export class ReleaseDownloadDto {
  @ApiProperty({ example: '4.18.1' })
  version: string;

  @ApiProperty({ format: 'date-time' })
  releasedAt: string;

  @ApiProperty({ description: 'Open to every active license, whatever its subscription.' })
  securityFix: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'Fixes infinite scroll on category pages.' })
  notes: string | null;

  @ApiProperty()
  allowed: boolean;

  @ApiProperty({
    type: String,
    enum: REFUSALS,
    nullable: true,
    description: 'Why the download is refused (the code its download would answer); null when allowed.',
  })
  reason: DownloadRefusal | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example:
      'The update subscription ended on 2027-03-02; version 5.0.0 was released on 2027-04-01, after that. ' +
      'Renewing the subscription unlocks it.',
    description: 'The refusal in words, for the customer; null when allowed.',
  })
  detail: string | null;
}

export class DownloadsResponseDto {
  @ApiProperty({ type: [ReleaseDownloadDto], description: 'Every release of the product, oldest first.' })
  releases: ReleaseDownloadDto[];

  @ApiProperty({
    type: String,
    nullable: true,
    example: '4.18.1',
    description: 'The most recent release the license may download; null when none.',
  })
  latestAllowed: string | null;
}

export class DownloadTokenResponseDto {
  @ApiProperty({ example: '4.18.1' })
  version: string;

  @ApiProperty({
    description:
      'A short-lived ES256 JWT that downloads the package: GET /v1/downloads/{token} (`aud` licensor-download; ' +
      '`sub` the license id, `product` the sku, `version`, `exp`), signed with the key published at ' +
      '/.well-known/jwks.json.',
  })
  token: string;

  @ApiProperty({ format: 'date-time', description: 'When the token stops being accepted.' })
  expiresAt: string;
}
