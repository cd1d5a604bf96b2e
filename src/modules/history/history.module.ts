import { Module } from '@nestjs/common';
import { HistoryService } from './history.service';

/** License events; read through GET /v1/licenses/{id}/events of the licenses module. */
@Module({ providers: [HistoryService], exports: [HistoryService] })
export class HistoryModule {}
