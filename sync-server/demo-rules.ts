import * as Y from 'yjs';
import { ZHANGJIAGANG_2020 } from '../src/lib/domain/rules.ts';

/**
 * The demo city's rules, one record per programme year from 2018, in the `city` room as the app
 * keeps records (a top-level `cityRules` map of Y.Maps of fields, each with its `_history`): the
 * caps and thresholds of Zhangjiagang 2020 (DOMAIN.md, "Money rules") for every year, so that a
 * project of any demo year is checked against rules in force. A real city enters its own.
 */
export function demoRulesUpdate(now: Date, lastYear = now.getUTCFullYear()): Uint8Array {
	const doc = new Y.Doc();
	const at = now.toISOString();
	const records = doc.getMap<Y.Map<unknown>>('cityRules');
	doc.transact(() => {
		for (let year = 2018; year <= lastYear; year++) {
			const map = new Y.Map<unknown>();
			const record = {
				...ZHANGJIAGANG_2020,
				id: `rules-${year}`,
				createdAt: at,
				createdBy: 'admin',
				year,
				effectiveFrom: `${year}-01-01`
			};
			for (const [key, value] of Object.entries(record)) map.set(key, value);
			const history = new Y.Array<unknown>();
			history.push([{ at, by: 'admin', byName: 'admin', fields: ['*created'] }]);
			map.set('_history', history);
			records.set(record.id, map);
		}
	});
	return Y.encodeStateAsUpdate(doc);
}
