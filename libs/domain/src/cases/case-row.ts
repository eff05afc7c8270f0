import type { EntityManager } from 'typeorm';
import { ValidationProblem } from '@amani/http';
import { StaleVersionProblem } from './case-errors';
import type { CaseSummaryView } from './case-views';
import { Case } from './case.entity';

/**
 * UPDATE cases ... WHERE id = $1 AND version = $2: of two concurrent writers holding the same
 * version, the second waits for the first's row lock, then matches no row and gets 409.
 */
export async function updateCaseIfVersion(em: EntityManager, caseId: string, version: number, sets: Record<string, unknown>): Promise<void> {
  const result = await em
    .createQueryBuilder()
    .update(Case)
    .set({ ...sets, version: () => 'version + 1' })
    .where('id = :caseId AND version = :version', { caseId, version })
    .execute();
  if (result.affected !== 1) throw new StaleVersionProblem();
}

/** Every column of a case row, for raw statements (aliased `c`); read back with caseFromRow. */
export const CASE_COLUMNS = `c.id, c.agency_id, c.created_by, c.assigned_caseworker_id, c.stage, c.closure_reason, c.closed_at,
  c.sex, c.age_band, c.nationality_status, c.displacement_status, c.disability, c.vulnerabilities, c.region_code,
  c.survivor_code_index, c.phone_index, c.survivor_code_index_version, c.phone_index_version, c.survivor_code, c.survivor_name, c.survivor_aliases, c.contact_details, c.address,
  c.date_of_birth, c.caregiver_details, c.narrative, c.erased_at, c.erasure_reason, c.created_at, c.updated_at, c.version`;

export interface CaseRow {
  id: string;
  agency_id: string;
  created_by: string;
  assigned_caseworker_id: string | null;
  stage: Case['stage'];
  closure_reason: Case['closureReason'];
  closed_at: Date | null;
  sex: Case['sex'];
  age_band: Case['ageBand'];
  nationality_status: Case['nationalityStatus'];
  displacement_status: Case['displacementStatus'];
  disability: Case['disability'];
  vulnerabilities: Case['vulnerabilities'];
  region_code: string;
  survivor_code_index: Buffer | null;
  phone_index: Buffer | null;
  survivor_code_index_version: number;
  phone_index_version: number;
  survivor_code: Buffer | null;
  survivor_name: Buffer | null;
  survivor_aliases: Buffer | null;
  contact_details: Buffer | null;
  address: Buffer | null;
  date_of_birth: Buffer | null;
  caregiver_details: Buffer | null;
  narrative: Buffer | null;
  erased_at: Date | null;
  erasure_reason: Case['erasureReason'];
  created_at: Date;
  updated_at: Date;
  version: number;
}

/** A raw case row as the entity, without TypeORM's hydration. */
export function caseFromRow(r: CaseRow): Case {
  return Object.assign(new Case(), {
    id: r.id,
    agencyId: r.agency_id,
    createdById: r.created_by,
    assignedCaseworkerId: r.assigned_caseworker_id,
    stage: r.stage,
    closureReason: r.closure_reason,
    closedAt: r.closed_at,
    sex: r.sex,
    ageBand: r.age_band,
    nationalityStatus: r.nationality_status,
    displacementStatus: r.displacement_status,
    disability: r.disability,
    vulnerabilities: r.vulnerabilities,
    regionCode: r.region_code,
    survivorCodeIndex: r.survivor_code_index,
    phoneIndex: r.phone_index,
    survivorCodeIndexVersion: r.survivor_code_index_version,
    phoneIndexVersion: r.phone_index_version,
    survivorCode: r.survivor_code,
    survivorName: r.survivor_name,
    survivorAliases: r.survivor_aliases,
    contactDetails: r.contact_details,
    address: r.address,
    dateOfBirth: r.date_of_birth,
    caregiverDetails: r.caregiver_details,
    narrative: r.narrative,
    erasedAt: r.erased_at,
    erasureReason: r.erasure_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  });
}

/** The summary columns (aliased `c`), read back with summaryFromRow. */
export const SUMMARY_SQL = `c.id, c.stage, c.closure_reason, c.sex, c.age_band, c.nationality_status, c.displacement_status, c.disability,
  c.vulnerabilities, c.region_code, c.assigned_caseworker_id, c.created_at, c.updated_at, c.closed_at, c.version`;

export type SummaryRow = Pick<
  CaseRow,
  | 'id' | 'stage' | 'closure_reason' | 'sex' | 'age_band' | 'nationality_status' | 'displacement_status' | 'disability'
  | 'vulnerabilities' | 'region_code' | 'assigned_caseworker_id' | 'created_at' | 'updated_at' | 'closed_at' | 'version'
>;

export function summaryFromRow(r: SummaryRow): CaseSummaryView {
  return {
    id: r.id,
    stage: r.stage,
    closureReason: r.closure_reason,
    sex: r.sex,
    ageBand: r.age_band,
    nationalityStatus: r.nationality_status,
    displacementStatus: r.displacement_status,
    disability: r.disability,
    vulnerabilities: r.vulnerabilities,
    regionCode: r.region_code,
    assignedCaseworkerId: r.assigned_caseworker_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
    version: r.version,
  };
}

const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An opaque page cursor: the last row's created_at (to the microsecond) and id. Carries no data. */
export function encodeCaseCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`, 'utf8').toString('base64url');
}

export function decodeCaseCursor(cursor: string): { at: string; id: string } {
  const [at, id, ...rest] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (rest.length || !at || !id || !CURSOR_AT.test(at) || !UUID.test(id) || Number.isNaN(Date.parse(at))) {
    throw new ValidationProblem([{ field: 'cursor', message: 'is not a cursor this list returned' }]);
  }
  return { at, id };
}
