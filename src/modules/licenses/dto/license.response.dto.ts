import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LICENSE_STATUSES, LicenseStatus } from '../license.entity';

export class LicenseResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'CP-7K3QH-2M9XD-V4T8R-0B6WZ-NQ5JE',
    description: 'Shown only while the license is active; null while pending, suspended or revoked.',
  })
  key: string | null;

  @ApiProperty({ enum: LICENSE_STATUSES })
  status: LicenseStatus;

  @ApiProperty({ example: 'cart-power' })
  vendor: string;

  @ApiProperty({ example: 'cp-power-scroll-pagination' })
  productSku: string;

  @ApiProperty({ example: 'buyer@shop.example' })
  customerEmail: string;

  @ApiProperty({ example: '100234' })
  orderId: string;

  @ApiProperty({ example: '1' })
  lineId: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    example: 1,
    description: 'How many storefront domains the license covers.',
  })
  storefronts: number;

  @ApiProperty({ type: [String], example: ['shop.example.com'], description: 'Bound domains, oldest first.' })
  domains: string[];

  @ApiProperty({ type: 'integer', minimum: 0, example: 0 })
  domainChangesUsed: number;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 2,
    description: '2 per license plus what admins granted, minus those used.',
  })
  domainChangesLeft: number;

  @ApiProperty({ format: 'date-time', description: 'Versions released until this moment may be downloaded.' })
  updatesUntil: string;

  @ApiProperty({ description: 'Whether the update subscription still runs now.' })
  updatesActive: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'For a pending (manually issued) license: when staff must have delivered its key.',
  })
  deliveryDueAt: string | null;

  @ApiProperty({ description: 'Pending and past its delivery due time.' })
  overdue: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 3,
    description: 'Only in `sharedSuspected=true` lists: distinct public hosts it was checked from in the last 30 days.',
  })
  checkedFromHosts?: number;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;
}

export class OrderResponseDto {
  @ApiProperty({ example: '100234' })
  orderId: string;

  @ApiProperty({ type: [LicenseResponseDto], description: 'One license per order item, in item order.' })
  licenses: LicenseResponseDto[];
}

export class LicensePageResponseDto {
  @ApiProperty({ type: [LicenseResponseDto] })
  items: LicenseResponseDto[];

  @ApiProperty({ type: 'integer', description: 'How many licenses match the filters in all.', example: 1 })
  total: number;

  @ApiProperty({ type: 'integer', example: 50 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
