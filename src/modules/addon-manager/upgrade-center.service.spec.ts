import { DataSource, EntityManager } from 'typeorm';
import { FixedClock } from '../../../test/support/fixed-clock';
import { VerificationResult, VerificationService } from '../verification/verification.service';
import { AddonManagerRepository, NamedProductRelease } from './addon-manager.repository';
import { UpgradeCenterRequest } from './upgrade-center-request';
import { UpgradeCenterService } from './upgrade-center.service';

const NOW = new Date('2026-03-02T09:00:00Z');
const SKU = 'cp-power-scroll-pagination';
const RELEASE_ID = '6d0f3c1e-2a4b-4c5d-8e9f-0a1b2c3d4e5f';

const release: NamedProductRelease = {
  id: RELEASE_ID,
  productId: 'product-1',
  productName: 'Power Scroll Pagination',
  version: '2.1.0',
  releasedAt: new Date('2026-01-15T00:00:00Z'),
  securityFix: false,
  notes: null,
  package: { size: 482_133, md5: '9e107d9d372bb6826bd81d3542a419d6', fileName: 'scroll-2.1.0.zip' },
};

const request = (action: 'check' | 'download', licenseNumber = 'CP-KEY'): UpgradeCenterRequest => ({
  action,
  addonId: 'cp_power_scroll_pagination',
  addonVersion: '2.0.3',
  licenseNumber,
  platformVersion: '4.18.3',
  edition: 'MULTIVENDOR',
  build: '',
  mainDomain: 'https://shop.example.com',
  domains: ['shop.example.com'],
  language: 'en',
  packageId: action === 'download' ? RELEASE_ID : undefined,
});

const VALID: Pick<VerificationResult, 'code' | 'license'> = {
  code: 'VALID',
  license: {
    id: 'license-1',
    productSku: SKU,
    addonId: 'cp_power_scroll_pagination',
    status: 'active',
    storefronts: 1,
    domains: ['shop.example.com'],
    updatesUntil: '2027-01-01T00:00:00.000Z',
    updatesActive: true,
  },
};

/**
 * The service over a real AddonManagerRepository whose every method is spied on and refuses to run unless the
 * test gave it an answer: a read the test does not expect fails it.
 */
function serviceWith(verified: Pick<VerificationResult, 'code' | 'license'>) {
  const manager = {} as EntityManager;
  const repository = new AddonManagerRepository();
  const methods = Object.getOwnPropertyNames(AddonManagerRepository.prototype).filter(
    (name) => name !== 'constructor',
  ) as (keyof AddonManagerRepository)[];
  const spies = Object.fromEntries(
    methods.map((name) => [
      name,
      jest.spyOn(repository, name).mockImplementation(() => {
        throw new Error(`AddonManagerRepository.${name} was not expected to be called`);
      }),
    ]),
  );
  const verifyInstalled = jest.fn((): Promise<Pick<VerificationResult, 'code' | 'license'>> =>
    Promise.resolve(verified),
  );
  const verification = { verifyInstalled } as unknown as VerificationService;
  const service = new UpgradeCenterService({ manager } as DataSource, repository, verification, new FixedClock(NOW));
  const queries = () => methods.flatMap((name) => spies[name].mock.calls.map(() => name));
  return { service, repository, manager, verifyInstalled, queries };
}

describe('UpgradeCenterService reads no product after the license check', () => {
  it('check: reads the releases of the product the check found, once, and names the package after it', async () => {
    const { service, repository, manager, verifyInstalled, queries } = serviceWith(VALID);
    jest.spyOn(repository, 'releasesOfSku').mockResolvedValue([release]);
    const offered = await service.check(request('check'), '203.0.113.7');
    expect(offered).toEqual([
      expect.objectContaining({ id: RELEASE_ID, name: 'Power Scroll Pagination', fromVersion: '2.0.3' }),
    ]);
    expect(offered[0].description).toBe('Power Scroll Pagination 2.1.0');
    expect(verifyInstalled).toHaveBeenCalledTimes(1);
    expect(queries()).toEqual(['releasesOfSku']);
    expect(repository.releasesOfSku).toHaveBeenCalledWith(manager, SKU);
  });

  it('download: reads the release asked for among the product’s, once', async () => {
    const { service, repository, manager, queries } = serviceWith(VALID);
    jest.spyOn(repository, 'releaseOfSku').mockResolvedValue(release);
    expect(await service.download(request('download'), '203.0.113.7')).toEqual({ allowed: true, release });
    expect(queries()).toEqual(['releaseOfSku']);
    expect(repository.releaseOfSku).toHaveBeenCalledWith(manager, RELEASE_ID, SKU);
  });

  it('download: a package that is not of the product is 404, after the same single read', async () => {
    const { service, repository, queries } = serviceWith(VALID);
    jest.spyOn(repository, 'releaseOfSku').mockResolvedValue(null);
    expect(await service.download(request('download'), '203.0.113.7')).toMatchObject({ allowed: false, status: 404 });
    expect(queries()).toEqual(['releaseOfSku']);
  });

  it.each([
    ['an unknown key', { code: 'NOT_FOUND' } as const],
    ['a license of another product', { code: 'PRODUCT_MISMATCH' } as const],
    ['a revoked license', { code: 'REVOKED', license: { ...VALID.license!, status: 'revoked' } } as const],
  ])('reads nothing more for %s: nothing offered, nothing served', async (_name, verified) => {
    const { service, queries } = serviceWith(verified);
    expect(await service.check(request('check'), '203.0.113.7')).toEqual([]);
    expect(await service.download(request('download'), '203.0.113.7')).toMatchObject({ allowed: false, status: 403 });
    expect(queries()).toEqual([]);
  });
});
