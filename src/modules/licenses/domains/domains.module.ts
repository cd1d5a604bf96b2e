import { Module } from '@nestjs/common';
import { LicensesModule } from '../licenses.module';
import { DomainBindingService } from './domain-binding.service';
import { DomainsController } from './domains.controller';
import { DomainsService } from './domains.service';

/** Binding and changing storefront domains, the change cap and admin grants of extra changes. */
@Module({
  imports: [LicensesModule],
  controllers: [DomainsController],
  providers: [DomainBindingService, DomainsService],
  exports: [DomainBindingService],
})
export class DomainsModule {}
