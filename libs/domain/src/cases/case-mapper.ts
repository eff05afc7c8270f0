import type { CaseKeyHandle, CaseVault } from './case-vault';
import type { Case } from './case.entity';
import type { CaregiverDetails, CaseDetailView, CaseSummaryView, ContactDetails } from './case-views';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

export const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export function isContactDetails(v: unknown): v is ContactDetails {
  return isObject(v) && Object.entries(v).every(([k, x]) => ['phone', 'email', 'safeContactInstructions'].includes(k) && optionalString(x));
}

export function isCaregiverDetails(v: unknown): v is CaregiverDetails {
  return isObject(v) && Object.entries(v).every(([k, x]) => ['name', 'relationship', 'contact'].includes(k) && optionalString(x));
}

export function toCaseSummary(c: Case): CaseSummaryView {
  return {
    id: c.id,
    stage: c.stage,
    closureReason: c.closureReason,
    sex: c.sex,
    ageBand: c.ageBand,
    nationalityStatus: c.nationalityStatus,
    displacementStatus: c.displacementStatus,
    disability: c.disability,
    vulnerabilities: c.vulnerabilities,
    regionCode: c.regionCode,
    assignedCaseworkerId: c.assignedCaseworkerId,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
    version: c.version,
  };
}

/** Decrypts every identifying field; any failure throws before a single value is returned. */
export function decryptCase(vault: CaseVault, key: CaseKeyHandle, c: Case): CaseDetailView {
  const open = (column: string, ct: Buffer | null) => vault.openOptional(key, 'cases', column, c.id, ct);
  const survivorCode = vault.open(key, 'cases', 'survivor_code', c.id, c.survivorCode);
  const survivorName = vault.open(key, 'cases', 'survivor_name', c.id, c.survivorName);
  const aliases = vault.openJson(key, 'cases', 'survivor_aliases', c.id, c.survivorAliases, isStringArray) ?? [];
  const contactDetails = vault.openJson(key, 'cases', 'contact_details', c.id, c.contactDetails, isContactDetails);
  const caregiverDetails = vault.openJson(key, 'cases', 'caregiver_details', c.id, c.caregiverDetails, isCaregiverDetails);
  const address = open('address', c.address);
  const dateOfBirth = open('date_of_birth', c.dateOfBirth);
  const narrative = open('narrative', c.narrative);
  return {
    ...toCaseSummary(c),
    survivorCode,
    survivorName,
    aliases,
    contactDetails,
    address,
    dateOfBirth,
    caregiverDetails,
    narrative,
    createdById: c.createdById,
  };
}
