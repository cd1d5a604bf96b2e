import { escapeXml } from '../verification/legacy/legacy-response';

/** A package the Upgrade Center may install: one release of an add-on over the version installed. */
export interface UpgradePackage {
  /** The release's id: the Upgrade Center sends it back as `package_id` to download. */
  id: string;
  fileName: string;
  md5: string;
  size: number;
  name: string;
  description: string;
  fromVersion: string;
  toVersion: string;
  /** Unix seconds of the release. */
  timestamp: number;
}

export const UPGRADE_CENTER_CONTENT_TYPE = 'text/xml; charset=utf-8';

/**
 * The answer to the Upgrade Center's `check`: `<x><packages>` with one `<item>` per package, or an empty
 * `<packages/>` when there is nothing the license may take. CS-Cart reads every element, so none is empty.
 */
export function upgradeCenterXml(packages: readonly UpgradePackage[]): string {
  const items = packages.map(
    (pkg) =>
      `<item id="${escapeXml(pkg.id)}">` +
      `<file md5="${escapeXml(pkg.md5)}">${escapeXml(pkg.fileName)}</file>` +
      `<name>${escapeXml(pkg.name)}</name>` +
      `<description>${escapeXml(pkg.description)}</description>` +
      `<from_version>${escapeXml(pkg.fromVersion)}</from_version>` +
      `<to_version>${escapeXml(pkg.toVersion)}</to_version>` +
      `<timestamp>${pkg.timestamp}</timestamp>` +
      `<size>${pkg.size}</size>` +
      `</item>`,
  );
  const list = items.length === 0 ? '<packages/>' : `<packages>${items.join('')}</packages>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<x>${list}</x>\n`;
}
