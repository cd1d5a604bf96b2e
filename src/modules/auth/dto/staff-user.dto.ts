import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsIn, IsString, Length } from 'class-validator';
import { STAFF_ROLES, StaffRole, StaffUserEntity } from '../staff-user.entity';

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

export class StaffUserResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'anna@cart-power.example' })
  email: string;

  @ApiProperty({ enum: STAFF_ROLES })
  role: StaffRole;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  static from(user: StaffUserEntity): StaffUserResponseDto {
    return { id: user.id, email: user.email, role: user.role, createdAt: user.createdAt.toISOString() };
  }
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
}
