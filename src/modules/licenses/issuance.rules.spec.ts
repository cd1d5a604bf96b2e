import { planIssuance } from './issuance.rules';

describe('planIssuance', () => {
  it('activates an instant vendor license at once, with updates for the product period', () => {
    const plan = planIssuance({
      vendor: { issuanceMode: 'instant', slaAmount: null, slaUnit: null },
      updatePeriodMonths: 12,
      paidAt: new Date('2026-01-31T10:00:00Z'),
    });
    expect(plan).toEqual({ status: 'active', deliverySla: null, updatesUntil: new Date('2027-01-31T10:00:00Z') });
  });

  it('clamps the subscription end to the last day of a shorter month', () => {
    const plan = planIssuance({
      vendor: { issuanceMode: 'instant', slaAmount: null, slaUnit: null },
      updatePeriodMonths: 1,
      paidAt: new Date('2026-01-31T10:00:00Z'),
    });
    expect(plan.updatesUntil).toEqual(new Date('2026-02-28T10:00:00Z'));
  });

  it.each([
    ['CS-Cart', 2, 'workdays'],
    ['Alexbranding', 2, 'days'],
  ] as const)('makes a %s license pending, due after the vendor SLA of %i %s', (_vendor, amount, unit) => {
    const plan = planIssuance({
      vendor: { issuanceMode: 'manual', slaAmount: amount, slaUnit: unit },
      updatePeriodMonths: 12,
      paidAt: new Date('2026-10-09T15:00:00Z'),
    });
    expect(plan).toEqual({
      status: 'pending',
      deliverySla: { amount, unit },
      updatesUntil: new Date('2027-10-09T15:00:00Z'),
    });
  });

  it('refuses a manual vendor without an SLA', () => {
    expect(() =>
      planIssuance({
        vendor: { issuanceMode: 'manual', slaAmount: null, slaUnit: null },
        updatePeriodMonths: 12,
        paidAt: new Date('2026-10-09T15:00:00Z'),
      }),
    ).toThrow('A manual vendor must have a delivery SLA');
  });
});
