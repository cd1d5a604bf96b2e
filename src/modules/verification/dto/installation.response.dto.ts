import { ApiProperty } from '@nestjs/swagger';
import { VERIFICATION_CHANNELS, VerificationChannel } from '../installation.entity';
import { VERIFICATION_CODES, VerificationCode } from '../verification.rules';

export class InstallationResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'cp_power_scroll_pagination', description: 'The sku or add-on id as the add-on sent it.' })
  product: string;

  @ApiProperty({ example: 'shop.example.com', description: 'Normalised; an invalid host as sent.' })
  host: string;

  @ApiProperty({ type: String, nullable: true, example: '4.18.1' })
  addonVersion: string | null;

  @ApiProperty({ type: String, nullable: true, example: '4.17.2' })
  platformVersion: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'ULTIMATE' })
  edition: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'EN', description: 'Legacy checks: the store language.' })
  language: string | null;

  @ApiProperty({ type: String, nullable: true, example: '', description: 'Legacy checks: CS-Cart product status.' })
  productStatus: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'RU', description: 'Legacy checks: CS-Cart build.' })
  productBuild: string | null;

  @ApiProperty({ type: Boolean, nullable: true, example: true, description: 'Legacy checks: https enabled.' })
  httpsEnabled: boolean | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'shop.example.com',
    description: "Legacy checks: the host of the admin panel's URL (never the URL).",
  })
  adminHost: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'shop.example.com',
    description: 'Legacy checks: the store host the store reports.',
  })
  storeHost: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: 'A',
    description: 'Legacy checks: `A` the add-on is active, `D` it is being switched off (such a check binds nothing).',
  })
  addonStatus: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '203.0.113.0/24',
    description: "Legacy checks: the network (/24, /48) of the admin's browser address as the store saw it.",
  })
  adminNetwork: string | null;

  @ApiProperty({ example: '203.0.113.7', description: 'The address the last check came from.' })
  clientIp: string;

  @ApiProperty({ enum: VERIFICATION_CHANNELS })
  channel: VerificationChannel;

  @ApiProperty({ type: String, nullable: true, example: 'check_license_20.check' })
  dispatch: string | null;

  @ApiProperty({ enum: VERIFICATION_CODES, description: 'The answer of the last check.' })
  lastCode: VerificationCode;

  @ApiProperty({ type: 'integer', minimum: 1, example: 42 })
  callCount: number;

  @ApiProperty({ format: 'date-time' })
  firstSeenAt: string;

  @ApiProperty({ format: 'date-time' })
  lastSeenAt: string;
}

export class InstallationPageResponseDto {
  @ApiProperty({ format: 'uuid' })
  licenseId: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    example: 1,
    description: 'Distinct hosts the key was checked from: far more than the storefronts suggests a shared key.',
  })
  distinctHosts: number;

  @ApiProperty({ type: 'integer', minimum: 0, example: 42, description: 'Checks of this license from every host.' })
  totalCalls: number;

  @ApiProperty({ type: [InstallationResponseDto], description: 'Most recently seen first.' })
  items: InstallationResponseDto[];

  @ApiProperty({ type: 'integer', minimum: 0 })
  total: number;

  @ApiProperty({ type: 'integer' })
  limit: number;

  @ApiProperty({ type: 'integer' })
  offset: number;
}
