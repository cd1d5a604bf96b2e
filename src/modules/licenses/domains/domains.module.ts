import { Module } from '@nestjs/common';
import { LicensesModule } from '../licenses/licenses.module';
import { DomainBindingService } from './domain-binding.service';
import { DomainsController } from './domains.controller';
import { DomainsRepository } from './domains.repository';
import { DomainsService } from './domains.service';

/** Binding and changing storefront domains, the change cap and admin grants of extra changes. */
@Module({
  imports: [LicensesModule],
  controllers: [DomainsController],
  providers: [DomainsRepository, DomainBindingService, DomainsService],
  exports: [DomainBindingService],
})
export class DomainsModule {}
