import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../../common/http/page-query.dto';
import { STAFF_ACTION_TYPES, StaffActionType } from '../staff-action.entity';
import { StaffActionRecord } from '../staff-actions.repository';
import { STAFF_ROLES, StaffRole } from '../staff-user.entity';

export class ListStaffActionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only what was done to this staff user.',
    example: '3f2b8c1e-6a4d-4e8b-9c7a-1d2e3f4a5b6c',
  })
  @IsOptional()
  @IsUUID()
  targetId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Only what this staff user did.',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  })
  @IsOptional()
  @IsUUID()
  actorId?: string;
}

export class StaffActionResponseDto {
  @ApiProperty({ description: 'Increasing: a later action has a greater id.', example: '42' })
  id: string;

  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  occurredAt: string;

  @ApiProperty({
    enum: STAFF_ACTION_TYPES,
    description:
      'created; disabled, enabled; role_changed (`previousRole` → `role`); password_changed (by the user, who is ' +
      'then both actor and target); password_reset (by an admin).',
    example: 'disabled',
  })
  action: StaffActionType;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Who acted; null for the service itself (the first admin, created from ADMIN_EMAIL).',
    example: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  })
  actorId: string | null;

  @ApiProperty({ nullable: true, type: String, example: 'admin@cart-power.example' })
  actorEmail: string | null;

  @ApiProperty({
    format: 'uuid',
    description: 'The staff user acted on.',
    example: '3f2b8c1e-6a4d-4e8b-9c7a-1d2e3f4a5b6c',
  })
  targetId: string;

  @ApiProperty({ example: 'anna@cart-power.example' })
  targetEmail: string;

  @ApiProperty({
    enum: STAFF_ROLES,
    nullable: true,
    description: 'With created and role_changed: the role given; null otherwise.',
    example: 'admin',
  })
  role: StaffRole | null;

  @ApiProperty({
    enum: STAFF_ROLES,
    nullable: true,
    description: 'With role_changed: the role before; null otherwise.',
    example: 'staff',
  })
  previousRole: StaffRole | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The client address of the request (see TRUST_PROXY); null for the service itself.',
    example: '203.0.113.7',
  })
  clientIp: string | null;

  static from(record: StaffActionRecord): StaffActionResponseDto {
    return {
      id: record.id,
      occurredAt: record.occurredAt.toISOString(),
      action: record.action,
      actorId: record.actorId,
      actorEmail: record.actorEmail,
      targetId: record.targetId,
      targetEmail: record.targetEmail,
      role: record.role,
      previousRole: record.previousRole,
      clientIp: record.clientIp,
    };
  }
}

export class StaffActionPageResponseDto {
  @ApiProperty({ type: [StaffActionResponseDto], description: 'Newest first.' })
  items: StaffActionResponseDto[];

  @ApiProperty({ type: 'integer', description: 'How many actions match the filters in all.', example: 1 })
  total: number;

  @ApiProperty({ type: 'integer', example: 50 })
  limit: number;

  @ApiProperty({ type: 'integer', example: 0 })
  offset: number;
}
