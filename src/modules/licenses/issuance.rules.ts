import { DurationUnit } from '../../common/time/business-calendar';
import { addCalendarMonths } from '../../common/time/calendar-months';
import { IssuanceMode } from '../catalog/vendor.entity';
import { LicenseStatus } from './license.entity';

export interface IssuanceInput {
  vendor: { issuanceMode: IssuanceMode; slaAmount: number | null; slaUnit: DurationUnit | null };
  updatePeriodMonths: number;
  paidAt: Date;
}

/** How long after the payment staff have to deliver a manually issued license. */
export interface DeliverySla {
  amount: number;
  unit: DurationUnit;
}

export interface IssuancePlan {
  status: Extract<LicenseStatus, 'active' | 'pending'>;
  /**
   * When staff must have delivered a manually issued license, counted from the payment (the business calendar
   * turns it into `deliveryDueAt`); null for instant issuance.
   */
  deliverySla: DeliverySla | null;
  /** The update subscription runs from the payment for the product's period, in calendar months. */
  updatesUntil: Date;
}

/**
 * How a newly paid license starts: instant vendors' licenses are active at once; manual vendors' ones are
 * pending until staff deliver the key, due after the vendor's SLA (workdays or calendar days).
 */
export function planIssuance({ vendor, updatePeriodMonths, paidAt }: IssuanceInput): IssuancePlan {
  const updatesUntil = addCalendarMonths(paidAt, updatePeriodMonths);
  if (vendor.issuanceMode === 'instant') return { status: 'active', deliverySla: null, updatesUntil };
  if (vendor.slaAmount === null || vendor.slaUnit === null) {
    throw new Error('A manual vendor must have a delivery SLA (the database checks it).');
  }
  return { status: 'pending', deliverySla: { amount: vendor.slaAmount, unit: vendor.slaUnit }, updatesUntil };
}
