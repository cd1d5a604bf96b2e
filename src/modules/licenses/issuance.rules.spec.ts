import { BusinessCalendar } from '../../common/time/business-calendar';
import { planIssuance } from './issuance.rules';

describe('planIssuance', () => {
  const calendar = new BusinessCalendar({ country: 'RU', timezone: 'Europe/Moscow' });
  const addDuration = calendar.addDuration.bind(calendar);

  it('activates an instant vendor license at once, with updates for the product period', () => {
    const plan = planIssuance(
      {
        vendor: { issuanceMode: 'instant', slaAmount: null, slaUnit: null },
        updatePeriodMonths: 12,
        paidAt: new Date('2026-01-31T10:00:00Z'),
      },
      addDuration,
    );
    expect(plan).toEqual({ status: 'active', deliveryDueAt: null, updatesUntil: new Date('2027-01-31T10:00:00Z') });
  });

  it('clamps the subscription end to the last day of a shorter month', () => {
    const plan = planIssuance(
      {
        vendor: { issuanceMode: 'instant', slaAmount: null, slaUnit: null },
        updatePeriodMonths: 1,
        paidAt: new Date('2026-01-31T10:00:00Z'),
      },
      addDuration,
    );
    expect(plan.updatesUntil).toEqual(new Date('2026-02-28T10:00:00Z'));
  });

  it('makes a CS-Cart license pending, due 2 workdays later (Friday 18:00 Moscow → Tuesday 18:00)', () => {
    const plan = planIssuance(
      {
        vendor: { issuanceMode: 'manual', slaAmount: 2, slaUnit: 'workdays' },
        updatePeriodMonths: 12,
        paidAt: new Date('2026-10-09T15:00:00Z'),
      },
      addDuration,
    );
    expect(plan.status).toBe('pending');
    expect(plan.deliveryDueAt).toEqual(new Date('2026-10-13T15:00:00Z'));
  });

  it('makes an Alexbranding license due 2 calendar days later, weekend or not', () => {
    const plan = planIssuance(
      {
        vendor: { issuanceMode: 'manual', slaAmount: 2, slaUnit: 'days' },
        updatePeriodMonths: 12,
        paidAt: new Date('2026-10-09T15:00:00Z'),
      },
      addDuration,
    );
    expect(plan.deliveryDueAt).toEqual(new Date('2026-10-11T15:00:00Z'));
  });
});
