import fc from 'fast-check';
import { ADDON_ID_PATTERN, SKU_PATTERN, VERSION_MAX_LENGTH, VERSION_PATTERN } from '../catalog.patterns';
import {
  archiveMismatch,
  attachmentDisposition,
  defaultPackageFileName,
  PACKAGE_FILE_NAME_PATTERN,
  PackageMediaType,
  packageMediaTypeOf,
} from './package.rules';

const bytes = (...values: number[]) => Uint8Array.from(values);

describe('packageMediaTypeOf', () => {
  it.each<[string | undefined, PackageMediaType | undefined]>([
    ['application/zip', 'application/zip'],
    ['Application/ZIP', 'application/zip'],
    ['application/zip; name="x.zip"', 'application/zip'],
    ['application/x-zip-compressed', 'application/zip'],
    ['application/gzip', 'application/gzip'],
    ['application/x-gzip', 'application/gzip'],
    [' application/gzip ;charset=binary', 'application/gzip'],
    ['application/octet-stream', undefined],
    ['application/json', undefined],
    ['multipart/form-data; boundary=x', undefined],
    ['application/x-tar', undefined],
    ['toString', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %p as %p', (header, expected) => {
    expect(packageMediaTypeOf(header)).toBe(expected);
  });
});

describe('archiveMismatch', () => {
  it.each<[string, PackageMediaType, Uint8Array, boolean]>([
    ['a zip local file header', 'application/zip', bytes(0x50, 0x4b, 0x03, 0x04, 0x14), true],
    ['an empty zip archive', 'application/zip', bytes(0x50, 0x4b, 0x05, 0x06), true],
    ['a spanned zip archive', 'application/zip', bytes(0x50, 0x4b, 0x07, 0x08), true],
    ['gzip data', 'application/gzip', bytes(0x1f, 0x8b, 0x08, 0x00), true],
    ['gzip data of two bytes', 'application/gzip', bytes(0x1f, 0x8b), true],
    ['gzip data sent as zip', 'application/zip', bytes(0x1f, 0x8b, 0x08, 0x00), false],
    ['a zip archive sent as gzip', 'application/gzip', bytes(0x50, 0x4b, 0x03, 0x04), false],
    ['text', 'application/zip', Buffer.from('hello world'), false],
    ['half a zip signature', 'application/zip', bytes(0x50, 0x4b), false],
    ['one byte', 'application/gzip', bytes(0x1f), false],
  ])('%s as %s: %p', (_case, mediaType, head, accepted) => {
    expect(archiveMismatch(mediaType, head) === undefined).toBe(accepted);
  });

  it('says an empty body is empty, and names the format otherwise', () => {
    expect(archiveMismatch('application/zip', bytes())).toContain('empty');
    expect(archiveMismatch('application/zip', Buffer.from('text'))).toContain('not a zip archive');
    expect(archiveMismatch('application/gzip', Buffer.from('text'))).toContain('not gzip data');
  });
});

describe('defaultPackageFileName', () => {
  it.each<[{ sku: string; addonId: string | null }, string, PackageMediaType, string]>([
    [{ sku: 'cp-scroll', addonId: 'cp_power_scroll' }, '4.18.1', 'application/zip', 'cp_power_scroll-4.18.1.zip'],
    [{ sku: 'cs-cart-ultimate', addonId: null }, '4.18.1', 'application/gzip', 'cs-cart-ultimate-4.18.1.tgz'],
    [{ sku: 'x', addonId: '_private' }, '2.0.0-beta.1+5', 'application/zip', '_private-2.0.0-beta.1+5.zip'],
  ])('names a package of %p %s (%s) %p', (product, version, mediaType, expected) => {
    expect(defaultPackageFileName(product, version, mediaType)).toBe(expected);
  });

  it('stays within the file-name pattern for every SKU, add-on id and version the catalog accepts', () => {
    const version = fc.stringMatching(VERSION_PATTERN).filter((value) => value.length <= VERSION_MAX_LENGTH);
    fc.assert(
      fc.property(
        fc.stringMatching(SKU_PATTERN),
        fc.option(fc.stringMatching(ADDON_ID_PATTERN)),
        version,
        fc.constantFrom<PackageMediaType>('application/zip', 'application/gzip'),
        (sku, addonId, release, mediaType) => {
          expect(defaultPackageFileName({ sku, addonId }, release, mediaType)).toMatch(PACKAGE_FILE_NAME_PATTERN);
        },
      ),
    );
  });
});

describe('attachmentDisposition', () => {
  it('names the file as an attachment', () => {
    expect(attachmentDisposition('cp_scroll-1.0.0.zip')).toBe('attachment; filename="cp_scroll-1.0.0.zip"');
  });

  it.each(['a"b.zip', 'a\r\nSet-Cookie: x=1', '../etc/passwd', '.hidden', 'пакет.zip', ''])(
    'never puts %p into the header',
    (name) => {
      expect(attachmentDisposition(name)).toBe('attachment; filename="package"');
    },
  );
});
