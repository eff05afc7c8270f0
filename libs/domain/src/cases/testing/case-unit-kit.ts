import { randomUUID } from 'node:crypto';
import { BlindIndexService, EnvelopeCrypto, loadSodium, StaticMasterKeyProvider } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { fakeLocations } from '../../locations/testing/fake-locations.service';
import { FakeTransactionHost } from '../../testing/unit-fakes';
import type { CaseActor } from '../case-actor';
import { CaseAuditor } from '../case-auditor';
import type { CreateCaseCommand } from '../case-commands';
import { CaseVault } from '../case-vault';
import { CasesService } from '../cases.service';
import { CaseErasureHooks } from '../case-hooks';
import { FakeCaseAuditService, FakeCasesRepository } from './fake-cases.repository';
import { KeyCustody } from '@amani/auth';
import { UnitKeyring } from '@amani/auth/keys/testing/unit-keyring';

/** The awaited problem a use case answered with (a DomainException), or a failed test. */
export { problemOf as problem } from '../../testing/unit-fakes';

let vault: Promise<CaseVault> | undefined;

/** A real CaseVault under the test master keys (the ciphertext in the fake store is real). */
export function testCaseVault(): Promise<CaseVault> {
  vault ??= (async () => {
    const sodium = await loadSodium();
    const config = testAppConfig();
    const keys = new StaticMasterKeyProvider(config.secrets.masterKeys, config.secrets.masterKeyCurrent);
    return new CaseVault(new EnvelopeCrypto(sodium, keys), new BlindIndexService(sodium, config), new UnitKeyring(sodium), new KeyCustody(sodium, config));
  })();
  return vault;
}

export const newCase = (over: Partial<CreateCaseCommand> = {}): CreateCaseCommand => ({
  survivorName: 'Amina Yusuf',
  sex: 'female',
  ageBand: '18_25',
  nationalityStatus: 'national',
  displacementStatus: 'idp',
  disability: 'none',
  vulnerabilities: [],
  regionCode: 'SO-BN',
  ...over,
});

/** Two agencies, a supervisor and two caseworkers in A, a supervisor in B, over a fake store. */
export interface CaseUnitKit {
  tx: FakeTransactionHost;
  audit: FakeCaseAuditService;
  repo: FakeCasesRepository;
  vault: CaseVault;
  auditor: CaseAuditor;
  cases: CasesService;
  agencyA: string;
  agencyB: string;
  erasureHooks: CaseErasureHooks;
  cwA: CaseActor;
  otherCwA: CaseActor;
  supA: CaseActor;
  supB: CaseActor;
}

export async function caseUnitKit(): Promise<CaseUnitKit> {
  const tx = new FakeTransactionHost();
  const audit = new FakeCaseAuditService();
  const repo = new FakeCasesRepository();
  const v = await testCaseVault();
  const auditor = new CaseAuditor(audit.asService());
  const erasureHooks = new CaseErasureHooks();
  const cases = new CasesService(tx.asHost(), v, repo, auditor, fakeLocations(), erasureHooks);
  const agencyA = randomUUID();
  const agencyB = randomUUID();
  repo.agencies.add(agencyA);
  repo.agencies.add(agencyB);
  const cwA: CaseActor = { id: randomUUID(), role: 'caseworker', agencyId: agencyA };
  const otherCwA: CaseActor = { id: randomUUID(), role: 'caseworker', agencyId: agencyA };
  const supA: CaseActor = { id: randomUUID(), role: 'supervisor', agencyId: agencyA };
  const supB: CaseActor = { id: randomUUID(), role: 'supervisor', agencyId: agencyB };
  repo.caseworkers.set(cwA.id, agencyA);
  repo.caseworkers.set(otherCwA.id, agencyA);
  return { tx, audit, repo, vault: v, auditor, cases, erasureHooks, agencyA, agencyB, cwA, otherCwA, supA, supB };
}
