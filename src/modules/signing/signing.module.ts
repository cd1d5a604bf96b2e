import { Module } from '@nestjs/common';
import { TokenSigner } from './token-signer';

/**
 * The service's signing key: the tokens of verification (for add-ons) and of downloads (checked here again when
 * they come back for the bytes), and the JWKS that checks them. A module of its own, so that neither of those
 * modules imports the other.
 */
@Module({
  providers: [TokenSigner],
  exports: [TokenSigner],
})
export class SigningModule {}
