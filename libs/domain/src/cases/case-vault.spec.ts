import { randomUUID } from 'node:crypto';
import { BlindIndexService, EnvelopeCrypto, IntegrityError, loadSodium, StaticMasterKeyProvider } from '@amani/crypto';
import { testAppConfig } from '@amani/testing/test-app-config';
import { CaseIntegrityError } from './case-errors';
import { isContactDetails, isStringArray } from './case-mapper';
import { CaseKeyHandle, CaseVault } from './case-vault';
import { KeyCustody } from '@amani/auth';
import { UnitKeyring } from '@amani/auth/keys/testing/unit-keyring';

describe('CaseVault', () => {
  let vault: CaseVault;
  let key: CaseKeyHandle;
  const caseId = randomUUID();
  const agencyId = randomUUID();

  beforeAll(async () => {
    const sodium = await loadSodium();
    const config = testAppConfig();
    const keys = new StaticMasterKeyProvider(config.secrets.masterKeys, config.secrets.masterKeyCurrent);
    vault = new CaseVault(new EnvelopeCrypto(sodium, keys), new BlindIndexService(sodium, config), new UnitKeyring(sodium), new KeyCustody(sodium, config));
    key = vault.newKey(caseId, agencyId);
  });

  it('round-trips text and JSON, with a fresh nonce each time', () => {
    const a = vault.seal(key, 'cases', 'narrative', caseId, 'what happened');
    const b = vault.seal(key, 'cases', 'narrative', caseId, 'what happened');
    expect(a.equals(b)).toBe(false);
    expect(vault.open(key, 'cases', 'narrative', caseId, a)).toBe('what happened');
    const json = vault.sealJson(key, 'cases', 'survivor_aliases', caseId, ['A', 'B']);
    expect(vault.openJson(key, 'cases', 'survivor_aliases', caseId, json, isStringArray)).toEqual(['A', 'B']);
    expect(vault.sealOptional(key, 'cases', 'address', caseId, null)).toBeNull();
    expect(vault.openOptional(key, 'cases', 'address', caseId, null)).toBeNull();
  });

  it('binds every ciphertext to its table, column, row, agency and key version', () => {
    const ct = vault.seal(key, 'cases', 'narrative', caseId, 'x');
    const moved: [CaseKeyHandle, Parameters<CaseVault['open']>[1], string, string][] = [
      [key, 'case_notes', 'narrative', caseId],
      [key, 'cases', 'address', caseId],
      [key, 'cases', 'narrative', randomUUID()],
      [new CaseKeyHandle(caseId, randomUUID(), 1, key.dek), 'cases', 'narrative', caseId],
      [new CaseKeyHandle(caseId, agencyId, 2, key.dek), 'cases', 'narrative', caseId],
      [vault.newKey(caseId, agencyId), 'cases', 'narrative', caseId],
    ];
    for (const [k, table, column, row] of moved) {
      expect(() => vault.open(k, table, column, row, ct)).toThrow(IntegrityError);
    }
  });

  it('treats a missing or malformed plaintext as an integrity failure', () => {
    expect(() => vault.open(key, 'cases', 'survivor_name', caseId, null)).toThrow(CaseIntegrityError);
    const notJson = vault.seal(key, 'cases', 'contact_details', caseId, '{oops');
    expect(() => vault.openJson(key, 'cases', 'contact_details', caseId, notJson, isContactDetails)).toThrow(CaseIntegrityError);
    const wrongShape = vault.sealJson(key, 'cases', 'contact_details', caseId, { phone: 1 });
    expect(() => vault.openJson(key, 'cases', 'contact_details', caseId, wrongShape, isContactDetails)).toThrow(CaseIntegrityError);
  });

  it('indexes survivor codes and phones on normalised input, and skips digit-less phones', () => {
    expect(vault.survivorCodeIndex('kmr 48273').equals(vault.survivorCodeIndex('KMR-48273'))).toBe(true);
    expect(vault.survivorCodeIndex('KMR-48273').equals(vault.survivorCodeIndex('KMR-48274'))).toBe(false);
    expect(vault.phoneIndex('+254 712-345 678')!.equals(vault.phoneIndex('00254712345678')!)).toBe(true);
    expect(vault.phoneIndex('none')).toBeNull();
  });

  it('zeroes a disposed key', () => {
    const k = vault.newKey(caseId, agencyId);
    vault.dispose(k);
    expect(k.dek.every((b) => b === 0)).toBe(true);
  });
});
