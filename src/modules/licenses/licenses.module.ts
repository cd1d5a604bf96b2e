import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { CatalogModule } from '../catalog/catalog.module';
import { HistoryModule } from '../history/history.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DomainsRepository } from './domains/domains.repository';
import { LicenseAccess } from './license-access';
import { LicenseChangeRecorder } from './license-change-recorder';
import { LicensesController } from './licenses.controller';
import { LicensesRepository } from './licenses.repository';
import { LicensesService } from './licenses.service';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';

/** Orders → licenses, keys, the staff delivery queue, suspend/reinstate/revoke, the order and account pages. */
@Module({
  imports: [CatalogModule, CalendarModule, HistoryModule, WebhooksModule],
  controllers: [OrdersController, LicensesController],
  providers: [
    OrdersService,
    LicensesService,
    LicensesRepository,
    DomainsRepository,
    LicenseChangeRecorder,
    LicenseAccess,
  ],
  exports: [LicensesRepository, DomainsRepository, LicenseChangeRecorder, LicenseAccess],
})
export class LicensesModule {}
