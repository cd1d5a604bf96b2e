/**
 * Rules of release packages: which media types a package may have, what its first bytes must be, its default file
 * name and how a download names it. Plain functions over plain values.
 */

/** The media types a package is stored and served as: a zip archive or a gzip-compressed tarball. */
export const PACKAGE_MEDIA_TYPES = ['application/zip', 'application/gzip'] as const;
export type PackageMediaType = (typeof PACKAGE_MEDIA_TYPES)[number];

/** The media types an upload may declare, each with the one it is stored as (older names of both formats). */
const MEDIA_TYPE_ALIASES: Readonly<Record<string, PackageMediaType>> = {
  'application/zip': 'application/zip',
  'application/x-zip-compressed': 'application/zip',
  'application/gzip': 'application/gzip',
  'application/x-gzip': 'application/gzip',
};

/** Every `Content-Type` an upload may declare, for the documentation. */
export const ACCEPTED_UPLOAD_MEDIA_TYPES = Object.keys(MEDIA_TYPE_ALIASES);

/**
 * The media type a package declared by this `Content-Type` header is stored as; undefined for any other (a
 * missing header too). Parameters (`; charset=…`) and case are ignored.
 */
export function packageMediaTypeOf(contentType: string | undefined): PackageMediaType | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return Object.hasOwn(MEDIA_TYPE_ALIASES, mediaType) ? MEDIA_TYPE_ALIASES[mediaType] : undefined;
}

/** How many first bytes {@link archiveMismatch} needs to decide. */
export const SIGNATURE_BYTES = 4;

/**
 * A zip archive starts with a local file header (`PK\x03\x04`), or is an empty archive (`PK\x05\x06`) or a spanned
 * one (`PK\x07\x08`); a gzip stream starts with `\x1f\x8b`.
 */
const SIGNATURES: Readonly<Record<PackageMediaType, readonly (readonly number[])[]>> = {
  'application/zip': [
    [0x50, 0x4b, 0x03, 0x04],
    [0x50, 0x4b, 0x05, 0x06],
    [0x50, 0x4b, 0x07, 0x08],
  ],
  'application/gzip': [[0x1f, 0x8b]],
};

/**
 * Why the bytes that begin an upload (at least {@link SIGNATURE_BYTES} of them, or the whole body when it is
 * shorter) are not a package of `mediaType`; undefined when they start as one does. Only the signature is checked:
 * the archive is not read.
 */
export function archiveMismatch(mediaType: PackageMediaType, head: Uint8Array): string | undefined {
  if (head.length === 0) return 'The body is empty: send the bytes of the package.';
  const matches = SIGNATURES[mediaType].some((signature) => signature.every((byte, index) => head[index] === byte));
  if (matches) return undefined;
  const format = mediaType === 'application/zip' ? 'a zip archive' : 'gzip data (a .tgz or .tar.gz)';
  return `The body is not ${format}, as its Content-Type says: it does not begin with the signature of one.`;
}

/**
 * A file name a package may be given: 1–160 letters, digits, `.`, `_`, `+`, `-`, not starting with `.`, `+` or `-`
 * (no hidden file, no option to a command line): nothing a `Content-Disposition` header must escape.
 */
export const PACKAGE_FILE_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._+-]{0,159}$/;
export const PACKAGE_FILE_NAME_MAX_LENGTH = 160;

/**
 * The file name of a package uploaded without one: the product's CS-Cart add-on id (else its SKU), the version and
 * the format's extension: `cp_power_scroll_pagination-4.18.1.zip`, `cs-cart-ultimate-4.18.1.tgz`. Within
 * {@link PACKAGE_FILE_NAME_PATTERN} for every SKU, add-on id and version the catalog accepts.
 */
export function defaultPackageFileName(
  product: { sku: string; addonId: string | null },
  version: string,
  mediaType: PackageMediaType,
): string {
  const extension = mediaType === 'application/zip' ? 'zip' : 'tgz';
  return `${product.addonId ?? product.sku}-${version}.${extension}`;
}

/**
 * The `Content-Disposition` of a download: an attachment under its file name. A name outside
 * {@link PACKAGE_FILE_NAME_PATTERN} (none is stored) is replaced rather than quoted, so that no header can be forged.
 */
export function attachmentDisposition(fileName: string): string {
  const safe = PACKAGE_FILE_NAME_PATTERN.test(fileName) ? fileName : 'package';
  return `attachment; filename="${safe}"`;
}
