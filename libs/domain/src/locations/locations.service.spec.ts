import { DomainException } from '@amani/http';
import { FakeTransactionHost } from '../testing/unit-fakes';
import { LocationsService } from './locations.service';
import { FakeLocationsRepository } from './testing/fake-locations.repository';

const SO = [
  { pCode: 'SO', adminLevel: 0, parentPCode: null, names: { en: 'Somalia' } },
  { pCode: 'SO11', adminLevel: 1, parentPCode: 'SO', names: { en: 'Awdal' } },
  { pCode: 'SO1101', adminLevel: 2, parentPCode: 'SO11', names: { en: 'Borama' } },
];

describe('LocationsService', () => {
  let repo: FakeLocationsRepository;
  let tx: FakeTransactionHost;
  let sut: LocationsService;

  beforeEach(() => {
    repo = new FakeLocationsRepository();
    tx = new FakeTransactionHost();
    sut = new LocationsService(tx.asHost(), repo);
  });
  afterEach(() => jest.useRealTimers());

  const refusal = async (p: Promise<unknown>) => {
    const e = await p.then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(DomainException);
    return e as DomainException;
  };

  it('accepts any code while no gazetteer is loaded, and asks again only after a pause', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    await sut.assertKnown('regionCode', 'ANY-1');
    await sut.assertKnown('regionCode', 'ANY-2');
    expect(repo.lookups).toBe(1);
    jest.setSystemTime(1_000_000 + 2_001);
    await sut.assertKnown('regionCode', 'ANY-3');
    expect(repo.lookups).toBe(2);
  });

  it('once loaded, refuses an unknown code with a 400 naming the field, and ignores absent fields', async () => {
    await sut.import(SO);
    const e = await refusal(sut.assertKnown('regionCodes', ['SO11', 'SO99']));
    expect(e.status).toBe(400);
    expect(e.errors).toEqual([{ field: 'regionCodes', message: expect.stringMatching(/not a location code/) }]);
    await expect(sut.assertKnown('regionCode', [null, undefined, ''])).resolves.toBeUndefined();
    await expect(sut.assertKnown('regionCode', null)).resolves.toBeUndefined();
  });

  it('remembers known codes, so a code seen once costs no further lookup, and finds codes another process imported', async () => {
    repo.rows.set('SO', SO[0]);
    await sut.assertKnown('regionCode', 'SO');
    await sut.assertKnown('regionCode', 'SO');
    expect(repo.lookups).toBe(1);
    // Imported by the CLI (another process): the service learns of it at its first unseen use.
    repo.rows.set('SO11', SO[1]);
    await sut.assertKnown('regionCode', 'SO11');
    expect(repo.lookups).toBe(2);
  });

  it('imports in one transaction, counts added and changed units, and merges names per language', async () => {
    expect(await sut.import(SO)).toEqual({ read: 3, added: 3, changed: 0 });
    expect(tx.runs).toBe(1);
    expect(await sut.import(SO)).toEqual({ read: 3, added: 0, changed: 0 });
    expect(await sut.import([{ ...SO[2], names: { fr: 'Boorama' } }])).toEqual({ read: 1, added: 0, changed: 1 });
    expect((await sut.list([2]))[0].names).toEqual({ en: 'Borama', fr: 'Boorama' });
    expect((await sut.list()).map((l) => l.pCode)).toEqual(['SO', 'SO11', 'SO1101']);
    expect((await sut.hierarchy()).get('SO1101')).toEqual({ adminLevel: 2, parentPCode: 'SO11' });
  });

  it('after an import in this process, checks strictly at once (no pause for the empty belief)', async () => {
    await sut.assertKnown('regionCode', 'ANY-1');
    await sut.import(SO);
    await refusal(sut.assertKnown('regionCode', 'ANY-2'));
  });
});
