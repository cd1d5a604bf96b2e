import { TransferSlots } from './transfer-slots';

describe('TransferSlots', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('gives up to its capacity at once, then queues in order of arrival', async () => {
    const slots = new TransferSlots(2, 1000);
    const first = await slots.acquire();
    const second = await slots.acquire();
    expect(slots.inUse).toBe(2);
    const order: string[] = [];
    const third = slots.acquire().then((slot) => (order.push('third'), slot));
    const fourth = slots.acquire().then((slot) => (order.push('fourth'), slot));
    second?.();
    expect(await third).toBeDefined();
    first?.();
    expect(await fourth).toBeDefined();
    expect(order).toEqual(['third', 'fourth']);
    expect(slots.inUse).toBe(2);
  });

  it('gives nothing to a waiter once its wait is over, and the slot it would have had to the next', async () => {
    const slots = new TransferSlots(1, 1000);
    const held = await slots.acquire();
    const late = slots.acquire();
    jest.advanceTimersByTime(1000);
    expect(await late).toBeUndefined();
    const next = slots.acquire();
    held?.();
    const slot = await next;
    expect(slot).toBeDefined();
    expect(slots.inUse).toBe(1);
    slot?.();
    expect(slots.inUse).toBe(0);
  });

  it('frees a slot once, however often it is given back', async () => {
    const slots = new TransferSlots(1, 1000);
    const slot = await slots.acquire();
    slot?.();
    slot?.();
    expect(slots.inUse).toBe(0);
    await slots.acquire();
    expect(slots.inUse).toBe(1);
    const waiting = slots.acquire();
    slot?.();
    jest.advanceTimersByTime(1000);
    expect(await waiting).toBeUndefined();
  });

  it('refuses a capacity below one', () => {
    expect(() => new TransferSlots(0, 1000)).toThrow(RangeError);
  });
});
