import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

class FieldErrorDto {
  @ApiProperty({ example: 'items[0].sku' })
  field: string;

  @ApiProperty({ example: 'sku must be shorter than or equal to 64 characters' })
  message: string;
}

/** The shape of every error answer (RFC 9457 problem details plus a stable code). */
export class ProblemResponseDto {
  @ApiProperty({ example: 'urn:licensor:problem:validation-failed' })
  type: string;

  @ApiProperty({ example: 'Validation failed' })
  title: string;

  @ApiProperty({ example: 400 })
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
}
