import { ApiProperty } from '@nestjs/swagger';
import { LicenseResponseDto } from '../../licenses/dto/license.response.dto';
import { SubscriptionPeriodResponseDto } from './subscription-period.response.dto';

export class RenewalResponseDto {
  @ApiProperty({ type: SubscriptionPeriodResponseDto })
  period: SubscriptionPeriodResponseDto;

  @ApiProperty({ type: LicenseResponseDto, description: 'The license as it now is, with its new `updatesUntil`.' })
  license: LicenseResponseDto;
}
