import { PhpSerializeError, PhpValue, phpRecord, phpString, readPhpSerialized } from './php-serialize';

export const MANAGER_ACTIONS = ['get_statistics', 'get_list', 'get_all', 'get_release_history', 'get_archive'] as const;
export type ManagerAction = (typeof MANAGER_ACTIONS)[number];

/** More storefronts than any store has; more add-ons than any store installs (manager 1.3 sends them all). */
export const MAX_STORE_DOMAINS = 50;
export const MAX_INSTALLED_ADDONS = 1000;
const MAX_FIELD_LENGTH = 2048;

/** An add-on installed in the store, as `get_statistics` names it. */
export interface InstalledAddon {
  addonId: string;
  /** `A` active, `D` disabled. */
  status: string;
  version: string | undefined;
  /** Empty when the store has none. */
  licenseKey: string;
}

/** What every request of the manager tells about the store. */
export interface ManagerStore {
  language: string | undefined;
  /** The admin's location (`config.current_location`), used when no open storefront is listed. */
  mainDomain: string | undefined;
  platformVersion: string | undefined;
  /** `M` Multi-Vendor, `C` CS-Cart. */
  edition: string | undefined;
  /** The open storefronts' URLs. */
  domains: string[];
}

export interface ManagerRequest {
  action: ManagerAction;
  store: ManagerStore;
  /** get_statistics. */
  addons: InstalledAddon[];
  /** get_release_history. */
  packageId: string | undefined;
  /** get_archive. */
  productId: string | undefined;
  licenseKey: string | undefined;
}

export type ManagerDecoding =
  { ok: true; request: ManagerRequest } | { ok: false; code: 'BAD_REQUEST' | 'UNKNOWN_ACTION'; reason: string };

/** Reads the serialized plaintext of an envelope into a request; never throws. */
export function decodeManagerRequest(plaintext: Buffer): ManagerDecoding {
  let value: PhpValue;
  try {
    value = readPhpSerialized(plaintext);
  } catch (error) {
    if (error instanceof PhpSerializeError)
      return bad(`the envelope does not hold a serialized array: ${error.message}`);
    throw error;
  }
  const fields = phpRecord(value);
  if (fields === undefined) return bad('the envelope does not hold an array');
  const action = phpString(fields.get('action'));
  if (action === undefined || action === '') return bad('no action');
  if (!isManagerAction(action)) return { ok: false, code: 'UNKNOWN_ACTION', reason: `unknown action ${quote(action)}` };
  const params = fields.has('params') ? phpRecord(fields.get('params')) : new Map<string, PhpValue>();
  if (params === undefined) return bad('params is not an array');
  try {
    const domains = (text(params, 'domains') ?? '')
      .split(',')
      .map((domain) => domain.trim())
      .filter((domain) => domain !== '');
    if (domains.length > MAX_STORE_DOMAINS) return bad(`more than ${MAX_STORE_DOMAINS} domains`);
    return {
      ok: true,
      request: {
        action,
        store: {
          language: text(fields, 'lang_code'),
          mainDomain: text(fields, 'main_domain'),
          platformVersion: text(params, 'version'),
          edition: text(params, 'edition'),
          domains,
        },
        addons: action === 'get_statistics' ? installedAddons(params.get('addons')) : [],
        packageId: text(params, 'package_id'),
        productId: text(params, 'product_id'),
        licenseKey: text(params, 'license_key'),
      },
    };
  } catch (error) {
    if (error instanceof FieldError) return bad(error.message);
    throw error;
  }
}

function isManagerAction(action: string): action is ManagerAction {
  return (MANAGER_ACTIONS as readonly string[]).includes(action);
}

class FieldError extends Error {}

/** `addons` of get_statistics: `{addon_id: {addon, status, version, licensekey}}`; absent or empty is none. */
function installedAddons(value: PhpValue | undefined): InstalledAddon[] {
  if (value === undefined || value === null || value === '') return [];
  const entries = phpRecord(value);
  if (entries === undefined) throw new FieldError('params.addons is not an array');
  if (entries.size > MAX_INSTALLED_ADDONS) throw new FieldError(`more than ${MAX_INSTALLED_ADDONS} add-ons`);
  return [...entries].map(([key, entry]) => {
    const addon = phpRecord(entry);
    if (addon === undefined) throw new FieldError(`params.addons.${key} is not an array`);
    return {
      addonId: text(addon, 'addon') || key,
      status: text(addon, 'status') ?? 'A',
      version: text(addon, 'version'),
      licenseKey: (text(addon, 'licensekey') ?? '').trim(),
    };
  });
}

/** A scalar field as PHP prints it, trimmed of nothing; an array where text belongs is an error. */
function text(fields: Map<string, PhpValue>, name: string): string | undefined {
  if (!fields.has(name)) return undefined;
  const value = phpString(fields.get(name));
  if (value === undefined) throw new FieldError(`${name} is not a scalar`);
  if (value.length > MAX_FIELD_LENGTH) throw new FieldError(`${name} is longer than ${MAX_FIELD_LENGTH} characters`);
  return value;
}

function bad(reason: string): ManagerDecoding {
  return { ok: false, code: 'BAD_REQUEST', reason };
}

function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}
