import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsFreeText, Trim } from '../../../../common/validation/validation.decorators';

/** Also the body of a change, where `domain` is the new domain. */
export class DomainDto {
  @ApiProperty({
    example: 'shop.example.com',
    maxLength: 2048,
    description:
      'A host name or URL, normalised before use: lowercase, no scheme, user info, port, path or trailing dot, ' +
      'one leading `www.` dropped, IDN in punycode. A development host (localhost, *.local, *.test, private ' +
      'addresses, …) is refused: it verifies for any active license without being bound.',
  })
  @IsString()
  @MaxLength(2048)
  domain: string;
}

export class GrantDomainChangesDto {
  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: 10,
    example: 1,
    description: 'Domain changes added to the license.',
  })
  @IsInt()
  @Min(1)
  @Max(10)
  extra: number;

  @ApiProperty({ example: 'The customer moved the shop twice during a redesign', minLength: 1, maxLength: 500 })
  @IsString()
  @Trim()
  @Length(1, 500)
  @IsFreeText({ multiline: true })
  reason: string;
}
