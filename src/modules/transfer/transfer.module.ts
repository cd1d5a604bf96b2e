import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { HistoryModule } from '../history/history.module';
import { LicensesModule } from '../licenses/licenses.module';
import { EventsExportRepository } from './export/events-export.repository';
import { ExportController } from './export/export.controller';
import { ExportService } from './export/export.service';
import { SnapshotReader } from './export/snapshot-reader';
import { ImportsController } from './import/imports.controller';
import { ImportsRepository } from './import/imports.repository';
import { ImportsService } from './import/imports.service';

/**
 * Licenses in and out as files: the export of every license and of the history (export/), and the import of a
 * license file (import/). Registered before LicensesModule in AppModule, so that GET /v1/licenses/export is routed
 * here and not taken for GET /v1/licenses/{id}.
 */
@Module({
  imports: [LicensesModule, HistoryModule, CalendarModule],
  controllers: [ExportController, ImportsController],
  providers: [ExportService, EventsExportRepository, SnapshotReader, ImportsService, ImportsRepository],
})
export class TransferModule {}
