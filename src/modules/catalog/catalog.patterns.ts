/** Shapes of catalog identifiers, shared by the DTOs (validation and Swagger) and by other modules. */

/** A product SKU: 1–64 characters, letters, digits, `.`, `_`, `-`, not starting with punctuation. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A CS-Cart add-on id as add-ons send it, e.g. `cp_power_scroll_pagination`. */
export const ADDON_ID_PATTERN = /^[a-z0-9_]{1,64}$/;

/** A release version such as `4.18.1`, `2.0.0-beta.1` or `1.2+build5`; 1–64 characters. */
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]*$/;
export const VERSION_MAX_LENGTH = 64;

export const PRODUCT_NAME_MAX_LENGTH = 200;
export const VENDOR_CODE_MAX_LENGTH = 32;
export const RELEASE_NOTES_MAX_LENGTH = 20_000;

export const DEFAULT_UPDATE_PERIOD_MONTHS = 12;
export const MIN_UPDATE_PERIOD_MONTHS = 1;
export const MAX_UPDATE_PERIOD_MONTHS = 120;
