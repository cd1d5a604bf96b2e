import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'items[0].sku' })
  field: string;

  @ApiProperty({ example: 'sku must be shorter than or equal to 64 characters' })
  message: string;
}

class AmountDto {
  @ApiProperty({ type: 'integer', description: 'Minor units (cents).', minimum: 0, example: 1900 })
  amount: number;

  @ApiProperty({ description: 'ISO 4217 code.', pattern: '^[A-Z]{3}$', example: 'USD' })
  currency: string;
}

/**
 * The shape of every error answer: RFC 9457 problem details, a stable code, and the extension members that
 * some codes add (each optional field below says which).
 */
export class ProblemResponseDto {
  @ApiProperty({ example: 'urn:licensor:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'Validation failed' })
  title: string;

  @ApiProperty({ type: 'integer', example: 400 })
  status: number;

  @ApiProperty({ example: 'The request has invalid fields; see errors.' })
  detail: string;

  @ApiProperty({ description: 'Stable machine-readable code (UPPER_SNAKE_CASE).', example: 'VALIDATION_FAILED' })
  code: string;

  @ApiPropertyOptional({
    description: 'Id of the request in the service logs.',
    example: '5d0b6c9e-8f1c-4a8e-9a43-7d6c1f0a2b3c',
  })
  requestId?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'With VALIDATION_FAILED: one entry per invalid field.' })
  errors?: FieldErrorDto[];

  @ApiPropertyOptional({
    description:
      'With INVALID_DOMAIN, DEVELOPMENT_DOMAIN, UNKNOWN_PRODUCT and PAID_AT_IMPLAUSIBLE: the request field at fault.',
    example: 'items[0].sku',
  })
  field?: string;

  @ApiPropertyOptional({
    enum: ['development_host'],
    description: 'With INVALID_DOMAIN when binding: the host is a development host, which verifies without binding.',
    example: 'development_host',
  })
  reason?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With IMPORT_FILE_UNREADABLE: the line of the file where reading stopped.',
    example: 1,
  })
  line?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'With IMPORT_REJECTED: the import report (as POST /v1/imports answers it), whose `problems` say why.',
  })
  report?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    description:
      'With RATE_LIMITED, LOGIN_THROTTLED, SERVICE_UNAVAILABLE and PACKAGE_TRANSFERS_BUSY: seconds to wait, also sent as Retry-After.',
    example: 12,
  })
  retryAfterSeconds?: number;

  @ApiPropertyOptional({
    description: 'With NOT_PENDING and STATUS_TRANSITION_NOT_ALLOWED: the status the license has.',
    example: 'active',
  })
  licenseStatus?: string;

  @ApiPropertyOptional({
    type: AmountDto,
    description: 'With PAYMENT_MISMATCH and AMOUNT_TOO_LARGE: the amount of the current quote.',
  })
  expected?: AmountDto;

  @ApiPropertyOptional({ type: AmountDto, description: 'With PAYMENT_MISMATCH: the payment that was sent.' })
  received?: AmountDto;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With AMOUNT_TOO_LARGE: the largest amount one payment may be, in minor units.',
    example: 100000000,
  })
  maximumAmount?: number;

  @ApiPropertyOptional({
    description: 'With PAYMENT_ALREADY_APPLIED: the payment reference, already applied to the license.',
    example: 'order-100234-renewal',
  })
  paymentReference?: string;

  @ApiPropertyOptional({ type: AmountDto, description: 'With PAYMENT_ALREADY_APPLIED: what it was applied with.' })
  applied?: AmountDto;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'With PAYMENT_ALREADY_APPLIED: when it was applied.',
    example: '2026-03-02T09:00:00.000Z',
  })
  appliedAt?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With NO_FREE_STOREFRONT: the storefronts the license covers.',
    example: 1,
  })
  storefronts?: number;

  @ApiPropertyOptional({
    type: [String],
    description: 'With NOT_FOUND for a domain of a license: the domains bound to it.',
    example: ['shop.example.com'],
  })
  domains?: string[];

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With DOMAIN_CHANGE_LIMIT_REACHED: the changes used.',
    example: 2,
  })
  domainChangesUsed?: number;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With DOMAIN_CHANGE_LIMIT_REACHED: the changes allowed.',
    example: 2,
  })
  domainChangesAllowed?: number;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'With UPDATES_EXPIRED and other download refusals: when the update subscription ends or ended.',
    example: '2026-01-31T10:00:00.000Z',
  })
  updatesUntil?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'With UPDATES_EXPIRED and other download refusals: when the version was released.',
    example: '2026-03-01T12:00:00.000Z',
  })
  releasedAt?: string;

  @ApiPropertyOptional({
    description: 'With SKU_TAKEN, RELEASE_VERSION_TAKEN and PACKAGE_NOT_UPLOADED: the product.',
    example: 'cp-power-scroll-pagination',
  })
  sku?: string;

  @ApiPropertyOptional({
    description: 'With RELEASE_VERSION_TAKEN and PACKAGE_NOT_UPLOADED: the version.',
    example: '1.4.0',
  })
  version?: string;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'With PAYLOAD_TOO_LARGE for a release package: the most bytes a package may have.',
    example: 104857600,
  })
  maxBytes?: number;

  @ApiPropertyOptional({ description: 'With ADDON_ID_TAKEN: the add-on id.', example: 'cp_power_scroll_pagination' })
  addonId?: string;

  @ApiPropertyOptional({ description: 'With UNKNOWN_VENDOR: the vendor code sent.', example: 'acme' })
  vendor?: string;

  @ApiPropertyOptional({
    description: 'With WEBHOOK_URL_NOT_ALLOWED: the URL refused.',
    example: 'http://10.0.0.5/hook',
  })
  url?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'With DELIVERY_ALREADY_DELIVERED and WEBHOOK_DISABLED: the webhook delivery.',
    example: '0b5c7a8e-3d2f-4c1a-9e6b-2f4d8a1c3e5b',
  })
  deliveryId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'With WEBHOOK_DISABLED: the webhook.',
    example: '7e1d2c3b-4a5f-4e6d-8c9b-0a1f2e3d4c5b',
  })
  webhookId?: string;
}
