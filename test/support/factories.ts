let sequence = 0;

/** A valid create-product body (POST /v1/products) with a fresh SKU; override any field. */
export function newProduct(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  sequence += 1;
  return {
    sku: `test-product-${sequence}`,
    name: `Test product ${sequence}`,
    vendor: 'cart-power',
    price: 4900,
    extraStorefrontPrice: 2450,
    renewalPrice: 1900,
    currency: 'USD',
    ...overrides,
  };
}
