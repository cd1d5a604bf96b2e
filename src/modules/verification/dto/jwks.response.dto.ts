import { ApiProperty } from '@nestjs/swagger';

export class JwkResponseDto {
  @ApiProperty({ enum: ['EC'] })
  kty: 'EC';

  @ApiProperty({ enum: ['P-256'] })
  crv: 'P-256';

  @ApiProperty({ description: 'base64url' })
  x: string;

  @ApiProperty({ description: 'base64url' })
  y: string;

  @ApiProperty({ description: "The key's RFC 7638 thumbprint: the `kid` of the tokens it signed." })
  kid: string;

  @ApiProperty({ enum: ['ES256'] })
  alg: 'ES256';

  @ApiProperty({ enum: ['sig'] })
  use: 'sig';
}

export class JwksResponseDto {
  @ApiProperty({ type: [JwkResponseDto], description: 'The current signing key first, then earlier ones.' })
  keys: JwkResponseDto[];
}
