import { ApiProperty } from '@nestjs/swagger';
import { ISSUANCE_MODES, IssuanceMode, SLA_UNITS, SlaUnit, VendorEntity } from '../vendor.entity';

export class SlaResponseDto {
  @ApiProperty({ type: 'integer', minimum: 1, example: 2, description: 'How many units staff have to deliver a key.' })
  amount: number;

  @ApiProperty({
    enum: SLA_UNITS,
    example: 'workdays',
    description: '`workdays`: Monday–Friday minus public holidays of the configured country; `days`: calendar days.',
  })
  unit: SlaUnit;
}

/** A vendor whose licenses are sold, with how its licenses are issued. */
export class VendorResponseDto {
  @ApiProperty({ example: 'cs-cart', description: 'Stable vendor code; products refer to it.' })
  code: string;

  @ApiProperty({ example: 'CS-Cart' })
  name: string;

  @ApiProperty({
    enum: ISSUANCE_MODES,
    example: 'manual',
    description:
      '`instant`: the service generates the key and the license is active when the order is recorded; ' +
      '`manual`: the license is pending until staff deliver the key obtained from the vendor.',
  })
  issuanceMode: IssuanceMode;

  @ApiProperty({
    type: SlaResponseDto,
    nullable: true,
    description: 'Delivery deadline of manual licenses, counted from the payment; null for instant issuance.',
  })
  sla: SlaResponseDto | null;

  static fromEntity(vendor: VendorEntity): VendorResponseDto {
    const dto = new VendorResponseDto();
    dto.code = vendor.code;
    dto.name = vendor.name;
    dto.issuanceMode = vendor.issuanceMode;
    if (vendor.slaAmount !== null && vendor.slaUnit !== null) {
      const sla = new SlaResponseDto();
      sla.amount = vendor.slaAmount;
      sla.unit = vendor.slaUnit;
      dto.sla = sla;
    } else {
      dto.sla = null;
    }
    return dto;
  }
}
