import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsQueryInteger } from '../validation/validation.decorators';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;
/** Far beyond any real list; a larger number only makes PostgreSQL fail. */
export const MAX_OFFSET = 10_000_000;

/** `limit` and `offset` of every paginated list; a list's query DTO extends it with its filters. */
export class PageQueryDto {
  @ApiPropertyOptional({ type: 'integer', default: DEFAULT_PAGE_SIZE, minimum: 1, maximum: MAX_PAGE_SIZE })
  @IsOptional()
  @IsQueryInteger({ min: 1, max: MAX_PAGE_SIZE })
  limit: number = DEFAULT_PAGE_SIZE;

  @ApiPropertyOptional({
    type: 'integer',
    default: 0,
    minimum: 0,
    maximum: MAX_OFFSET,
    description: 'How many items to skip.',
  })
  @IsOptional()
  @IsQueryInteger({ min: 0, max: MAX_OFFSET })
  offset: number = 0;
}
