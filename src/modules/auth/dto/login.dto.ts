import { ApiProperty } from '@nestjs/swagger';
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
}
