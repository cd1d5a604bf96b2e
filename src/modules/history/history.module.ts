import { Module } from '@nestjs/common';
import { HistoryRepository } from './history.repository';
import { HistoryService } from './history.service';

/** License events; read through GET /v1/licenses/{id}/events of the licenses module. */
@Module({ providers: [HistoryRepository, HistoryService], exports: [HistoryService] })
export class HistoryModule {}
