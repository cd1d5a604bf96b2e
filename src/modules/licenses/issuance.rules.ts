import { DurationUnit } from '../../common/time/business-calendar';
import { addCalendarMonths } from '../../common/time/calendar-months';
import { IssuanceMode } from '../catalog/vendor.entity';
import { LicenseStatus } from './license.entity';

export interface IssuanceInput {
  vendor: { issuanceMode: IssuanceMode; slaAmount: number | null; slaUnit: DurationUnit | null };
  updatePeriodMonths: number;
  paidAt: Date;
}

export interface IssuancePlan {
  status: Extract<LicenseStatus, 'active' | 'pending'>;
  /** When staff must have delivered a manually issued license; null for instant issuance. */
  deliveryDueAt: Date | null;
  /** The update subscription runs from the payment for the product's period, in calendar months. */
  updatesUntil: Date;
}

/**
 * How a newly paid license starts: instant vendors' licenses are active at once; manual vendors' ones are
 * pending until staff deliver the key, due after the vendor's SLA (workdays or calendar days).
 */
export function planIssuance(
  { vendor, updatePeriodMonths, paidAt }: IssuanceInput,
  addDuration: (start: Date, amount: number, unit: DurationUnit) => Date,
): IssuancePlan {
  const updatesUntil = addCalendarMonths(paidAt, updatePeriodMonths);
  if (vendor.issuanceMode === 'instant') return { status: 'active', deliveryDueAt: null, updatesUntil };
  if (vendor.slaAmount === null || vendor.slaUnit === null) {
    throw new Error('A manual vendor must have a delivery SLA (the database checks it).');
  }
  return { status: 'pending', deliveryDueAt: addDuration(paidAt, vendor.slaAmount, vendor.slaUnit), updatesUntil };
}
