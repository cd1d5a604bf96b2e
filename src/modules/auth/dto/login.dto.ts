import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@licensor.localhost', maxLength: 254 })
  @IsEmail()
  @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password', maxLength: 1024 })
  @IsString()
  @Length(1, 1024)
  password: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'A JWT to send as "Authorization: Bearer <accessToken>".' })
  accessToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ type: 'integer', description: 'Seconds until the token expires.', example: 900 })
  expiresIn: number;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present (true) when an admin reset the password: the token opens only POST /v1/staff-users/me/password ' +
      '(and GET /v1/auth/me) until a new password is chosen; every other operation answers 403 ' +
      'PASSWORD_CHANGE_REQUIRED.',
  })
  passwordChangeRequired?: true;
}
