import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import * as fc from 'fast-check';
import { CompiledValidationPipe } from '../../../common/validation/compiled-validation.pipe';
import { VerifyLicenseDto } from './verify-license.dto';

const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, transform: true };
const BODY: ArgumentMetadata = { type: 'body', metatype: VerifyLicenseDto };
const FIELDS = ['licenseKey', 'domain', 'product', 'version', 'platformVersion', 'edition', 'nonce'];

/** What a pipe makes of a body: the DTO it hands on, or the errors it refuses it with. */
async function outcome(pipe: ValidationPipe, body: unknown): Promise<unknown> {
  try {
    const value = await pipe.transform(body, BODY);
    return { accepted: value, isDto: value instanceof VerifyLicenseDto };
  } catch (error) {
    return { refused: (error as { getResponse?: () => unknown }).getResponse?.() ?? error };
  }
}

/** Strings around every length limit of the DTO, with the characters class-validator counts differently. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('a', '\uFE0F', '\uFE0E', '\u{1F600}', '\uD800', ' '), maxLength: 6 }),
  ...[64, 128, 256, 2048].map((limit) =>
    fc
      .tuple(fc.integer({ min: limit - 2, max: limit + 2 }), fc.constantFrom('a', '\u{1F600}', 'a\uFE0F'))
      .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)),
  ),
);
const value = fc.oneof(
  { weight: 6, arbitrary: text },
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 2 }),
);
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELDS, 'customer', '__proto__', 'constructor'), value, { maxKeys: 9 }),
  fc.record(
    { licenseKey: text, domain: text, product: text, version: text, nonce: text },
    { requiredKeys: ['licenseKey', 'domain', 'product'] },
  ),
  fc.constantFrom(null, 'a string', 7, [] as unknown),
);

describe('VerifyLicenseDto under CompiledValidationPipe', () => {
  const compiled = new CompiledValidationPipe(OPTIONS);
  const plain = new ValidationPipe(OPTIONS);

  it('accepts and refuses exactly what class-validator does, with the same DTO and the same errors', async () => {
    await fc.assert(
      fc.asyncProperty(body, async (sent) => {
        expect(await outcome(compiled, sent)).toEqual(await outcome(plain, sent));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path for an ordinary check', async () => {
    const sent = { licenseKey: 'CP-7K3QH-2M9XD', domain: 'https://shop.example.com', product: 'cp_addon', nonce: 'n' };
    const spy = jest.spyOn(ValidationPipe.prototype, 'transform');
    expect(await compiled.transform(sent, BODY)).toEqual(Object.assign(new VerifyLicenseDto(), sent));
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
