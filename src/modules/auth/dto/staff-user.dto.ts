import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length } from 'class-validator';
import { STAFF_ROLES, StaffRole, StaffUserEntity } from '../staff-user.entity';

const EXAMPLE_STAFF_USER_ID = '3f2b8c1e-6a4d-4e8b-9c7a-1d2e3f4a5b6c';

export class CreateStaffUserDto {
  @ApiProperty({ example: 'anna@cart-power.example', maxLength: 254 })
  @IsEmail()
  @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'a long passphrase of hers', format: 'password', minLength: 12, maxLength: 1024 })
  @IsString()
  @Length(12, 1024)
  password: string;

  @ApiProperty({
    enum: STAFF_ROLES,
    example: 'staff',
    description: 'admin: everything; staff: daily work, no settings.',
  })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class ChangeRoleDto {
  @ApiProperty({
    enum: STAFF_ROLES,
    example: 'admin',
    description: 'admin: everything; staff: daily work, no settings.',
  })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class ChangeOwnPasswordDto {
  @ApiProperty({
    description: 'The password you logged in with (after a reset: the temporary one).',
    example: 'a long passphrase of hers',
    format: 'password',
    minLength: 1,
    maxLength: 1024,
  })
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @ApiProperty({
    description: 'The new password: at least 12 characters, and not the current one.',
    example: 'another long passphrase of hers',
    format: 'password',
    minLength: 12,
    maxLength: 1024,
  })
  @IsString()
  @Length(12, 1024)
  newPassword: string;
}

export class StaffUserResponseDto {
  @ApiProperty({ format: 'uuid', example: EXAMPLE_STAFF_USER_ID })
  id: string;

  @ApiProperty({ example: 'anna@cart-power.example' })
  email: string;

  @ApiProperty({ enum: STAFF_ROLES })
  role: StaffRole;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'When an admin disabled the account; null while it is enabled. A disabled user cannot log in.',
  })
  disabledAt: string | null;

  @ApiProperty({
    description:
      'An admin reset the password: until the user chooses a new one, their login opens only ' +
      'POST /v1/staff-users/me/password and GET /v1/auth/me.',
    example: false,
  })
  passwordChangeRequired: boolean;

  static from(user: StaffUserEntity): StaffUserResponseDto {
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      createdAt: user.createdAt.toISOString(),
      disabledAt: user.disabledAt?.toISOString() ?? null,
      passwordChangeRequired: user.passwordChangeRequired,
    };
  }
}

/** The account after a reset, with the temporary password shown once. */
export class PasswordResetResponseDto extends StaffUserResponseDto {
  @ApiProperty({
    description:
      'The temporary password, shown only in this answer: hand it to the user, who logs in with it and must ' +
      'then choose their own.',
    example: 'q7Vd2LxN0sWf4TzK8bYc1HaE',
  })
  temporaryPassword: string;
}

export class WhoAmIResponseDto {
  @ApiProperty({ enum: ['staff', 'storefront'] })
  kind: 'staff' | 'storefront';

  @ApiProperty({ format: 'uuid', description: 'The staff user id or the API client id.' })
  id: string;

  @ApiProperty({ description: 'The staff e-mail or the API client name.' })
  name: string;

  @ApiProperty({ enum: [...STAFF_ROLES, 'storefront'] })
  role: StaffRole | 'storefront';

  @ApiPropertyOptional({
    enum: [true],
    description: 'Present (true) for a staff user who must change the password an admin reset before anything else.',
  })
  passwordChangeRequired?: true;
}
