import { isPackageId } from './addon-manager.rules';

export const UPGRADE_CENTER_ACTIONS = ['check', 'download'] as const;
export type UpgradeCenterAction = (typeof UPGRADE_CENTER_ACTIONS)[number];

const MAX_PARAMETER_LENGTH = 2048;
const MAX_DOMAINS = 50;

/** The query of CS-Cart's Upgrade Center connector (`GET /addon_updates.php`). */
export interface UpgradeCenterRequest {
  action: UpgradeCenterAction;
  addonId: string;
  addonVersion: string | undefined;
  /** The add-on's license key; empty when the store has none. */
  licenseNumber: string;
  platformVersion: string | undefined;
  /** CS-Cart's edition as it names it (`MULTIVENDOR`, `ULTIMATE`). */
  edition: string | undefined;
  build: string | undefined;
  mainDomain: string | undefined;
  /** The open storefronts. */
  domains: string[];
  language: string | undefined;
  /** `download`: the release id that `check` announced. */
  packageId: string | undefined;
}

export type UpgradeCenterDecoding = { ok: true; request: UpgradeCenterRequest } | { ok: false; reason: string };

/** Reads the query; every parameter is one string (a repeated or bracketed one is refused). Never throws. */
export function decodeUpgradeCenterQuery(query: Record<string, unknown>): UpgradeCenterDecoding {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') problems.push(`${name} must be given once, as text`);
    else if (value.length > MAX_PARAMETER_LENGTH) problems.push(`${name} is longer than ${MAX_PARAMETER_LENGTH}`);
    else return value;
    return undefined;
  };
  const action = text('action');
  const addonId = text('addon_id')?.trim();
  const packageId = text('package_id')?.trim();
  const domains = (text('domains') ?? '')
    .split(',')
    .map((domain) => domain.trim())
    .filter((domain) => domain !== '');
  const request = {
    addonVersion: text('addon_version'),
    licenseNumber: (text('license_number') ?? '').trim(),
    platformVersion: text('product_version'),
    edition: text('product_edition'),
    build: text('product_build'),
    mainDomain: text('main_domain'),
    language: text('lang_code'),
    domains,
    packageId,
  };
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  if (action !== 'check' && action !== 'download') {
    return { ok: false, reason: 'action must be check or download' };
  }
  if (addonId === undefined || addonId === '') return { ok: false, reason: 'addon_id is required' };
  if (domains.length > MAX_DOMAINS) return { ok: false, reason: `more than ${MAX_DOMAINS} domains` };
  if (action === 'download' && (packageId === undefined || !isPackageId(packageId))) {
    return { ok: false, reason: 'package_id must be the id of a package that check announced' };
  }
  return { ok: true, request: { action, addonId, ...request } };
}
