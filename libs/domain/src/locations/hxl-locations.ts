import { parse } from 'csv-parse/sync';
import { REGION_CODE_PATTERN } from './location-codes';
import { MAX_ADMIN_LEVEL } from './location.entity';

/** A gazetteer entry read from an HXL file, before it is stored. */
export interface ParsedLocation {
  pCode: string;
  adminLevel: number;
  parentPCode: string | null;
  names: Record<string, string>;
}

/** A file the importer refuses; `line` is the 1-based line of the CSV where it went wrong. */
export class HxlLocationsError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line ? `line ${line}: ${message}` : message);
    this.name = 'HxlLocationsError';
  }
}

interface LevelColumns {
  code?: number;
  /** Column index per language; '' is a name without a language attribute. */
  names: Map<string, number>;
}

const MAX_NAME_LENGTH = 200;
// Control characters have no place in a place name.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The admin level a hashtag names: #adm0…#adm4, or #country (level 0). */
function levelOf(hashtag: string): number | undefined {
  if (hashtag === '#country') return 0;
  const m = /^#adm([0-9])$/.exec(hashtag);
  if (!m) return undefined;
  const level = Number(m[1]);
  return level <= MAX_ADMIN_LEVEL ? level : undefined;
}

/**
 * Reads the administrative units of an HXL-tagged CSV (the layout of OCHA's common
 * operational datasets): a hashtag row (`#adm1+code`, `#adm1+name`, `#adm2+name+i_fr`, …),
 * optionally under a row of human headers, then one row per unit of the deepest level with
 * the codes and names of its ancestors. Every level found becomes a location whose parent
 * is the nearest shallower level on the same row. Refuses codes that are not P-codes,
 * names with control characters, and a unit given two different parents or levels.
 */
export function parseHxlLocations(text: string): ParsedLocation[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  } catch (e) {
    throw new HxlLocationsError(`not a readable CSV file (${(e as Error).message.split('\n')[0]})`);
  }
  const tagRow = records.findIndex((r) => r.some((c) => c.startsWith('#')));
  if (tagRow < 0 || tagRow > 1) throw new HxlLocationsError('no HXL hashtag row in the first two lines (e.g. #adm1+code, #adm1+name)');

  const levels = new Map<number, LevelColumns>();
  records[tagRow].forEach((cell, col) => {
    const [hashtag, ...attributes] = cell.toLowerCase().replace(/\s+/g, '').split('+');
    const level = levelOf(hashtag);
    if (level === undefined) return;
    const columns = levels.get(level) ?? { names: new Map<string, number>() };
    levels.set(level, columns);
    if (attributes.includes('code') || attributes.includes('pcode')) columns.code = col;
    else if (attributes.includes('name')) {
      const lang = attributes.find((a) => /^i_[a-z]{2,3}$/.test(a))?.slice(2) ?? '';
      if (!columns.names.has(lang)) columns.names.set(lang, col);
    }
  });
  const coded = [...levels.entries()].filter(([, c]) => c.code !== undefined).sort(([a], [b]) => a - b);
  if (coded.length === 0) throw new HxlLocationsError('no administrative code column (#adm1+code, #adm2+code, …)');

  const byCode = new Map<string, ParsedLocation>();
  for (let i = tagRow + 1; i < records.length; i++) {
    const line = i + 1;
    const row = records[i];
    let parent: string | null = null;
    for (const [level, columns] of coded) {
      const code = (row[columns.code!] ?? '').toUpperCase();
      if (!code) continue;
      if (!REGION_CODE_PATTERN.test(code)) throw new HxlLocationsError(`"${code.slice(0, 40)}" is not a P-code (capital letters, digits, - and _; at most 32)`, line);
      const names: Record<string, string> = {};
      for (const [lang, col] of columns.names) {
        const name = row[col] ?? '';
        if (!name) continue;
        if (name.length > MAX_NAME_LENGTH || CONTROL.test(name)) throw new HxlLocationsError(`the name of ${code} is too long or holds control characters`, line);
        // A name without a language attribute is the English one unless an +i_en column exists.
        const key = lang || 'en';
        if (!(key in names) || lang) names[key] = name;
      }
      const seen = byCode.get(code);
      if (!seen) byCode.set(code, { pCode: code, adminLevel: level, parentPCode: parent, names });
      else {
        if (seen.adminLevel !== level) throw new HxlLocationsError(`${code} appears at admin levels ${seen.adminLevel} and ${level}`, line);
        if (seen.parentPCode !== parent) throw new HxlLocationsError(`${code} appears under two parents (${seen.parentPCode ?? 'none'} and ${parent ?? 'none'})`, line);
        Object.assign(seen.names, names);
      }
      parent = code;
    }
  }
  if (byCode.size === 0) throw new HxlLocationsError('the file holds no administrative unit');
  // Parents first, so rows can be stored in order with the foreign key checked on each.
  return [...byCode.values()].sort((a, b) => a.adminLevel - b.adminLevel || (a.pCode < b.pCode ? -1 : 1));
}
