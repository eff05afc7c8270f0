/**
 * Vocabularies of the service directory. The directory describes organisations' services and
 * never holds survivor data, so its descriptive columns (name, hours, contact channel) are
 * plain; codes are still CHECK-constrained.
 */

/** ISO 639-1 or 639-3 language code, lower case. */
export const LANGUAGE_CODE_PATTERN = /^[a-z]{2,3}$/;

const REGION = '[A-Z0-9][A-Z0-9_-]{0,31}';
const LANGUAGE = '[a-z]{2,3}';

/** CHECK: at least one region code, every one an area code. */
export const SERVICE_REGIONS_SQL = `array_to_string(region_codes, ',') ~ '^${REGION}(,${REGION})*$'`;
/** CHECK: at least one language code, every one ISO 639. */
export const SERVICE_LANGUAGES_SQL = `array_to_string(languages, ',') ~ '^${LANGUAGE}(,${LANGUAGE})*$'`;

export const MAX_SERVICE_REGIONS = 50;
export const MAX_SERVICE_LANGUAGES = 20;
