import { TestApp } from './test-app';

let orderCounter = 0;

export interface OrderOptions {
  paidAt?: string;
  customer?: { email: string; name?: string };
}

/**
 * Places a new order of one item as `storefront` through POST /v1/orders (201 expected) and answers its license
 * as the API shows it; each call uses a fresh order id.
 */
export async function buyLicense<License>(
  t: TestApp,
  storefront: string,
  item: Record<string, unknown>,
  options: OrderOptions = {},
): Promise<License> {
  const response = await t
    .http()
    .post('/v1/orders')
    .set('Authorization', storefront)
    .send({
      orderId: `order-${++orderCounter}`,
      ...(options.paidAt === undefined ? {} : { paidAt: options.paidAt }),
      customer: options.customer ?? { email: 'buyer@shop.example' },
      items: [{ lineId: '1', ...item }],
    })
    .expect(201);
  return (response.body as { licenses: License[] }).licenses[0];
}
