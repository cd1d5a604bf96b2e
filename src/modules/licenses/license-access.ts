import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock';
import { notFound } from '../../common/errors/domain-error';
import { Principal } from '../auth/principal';
import { LicenseResponseDto } from './dto/license.response.dto';
import { licenseView } from './license-view';
import { LicenseFilter, LicenseRecord, LicensesRepository } from './licenses.repository';

/** What a caller may see of licenses: staff all of them, a storefront those of the orders it placed. */
export function visibilityOf(principal: Principal): Pick<LicenseFilter, 'apiClientId'> {
  return principal.kind === 'storefront' ? { apiClientId: principal.clientId } : {};
}

/**
 * Reads a license for the modules that act on it (licenses, domains, subscriptions), inside their transaction:
 * a license the caller may not see is 404, exactly as one that does not exist.
 */
@Injectable()
export class LicenseAccess {
  constructor(
    private readonly licenses: LicensesRepository,
    private readonly clock: Clock,
  ) {}

  async findVisible(manager: EntityManager, principal: Principal, licenseId: string): Promise<LicenseRecord> {
    const record = await this.licenses.findOne(manager, { licenseId, ...visibilityOf(principal) });
    if (record === undefined) throw notFound(`License ${licenseId}`);
    return record;
  }

  /** The license's answer as it is now, e.g. after a change in this transaction. */
  async view(manager: EntityManager, licenseId: string): Promise<LicenseResponseDto> {
    const record = await this.licenses.findOne(manager, { licenseId });
    if (record === undefined) throw notFound(`License ${licenseId}`);
    return licenseView(record, this.clock.now());
  }
}
