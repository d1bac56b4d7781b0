import * as Y from 'yjs';
import { createRecord } from '../src/lib/doc/records.ts';
import { ZHANGJIAGANG_2020 } from '../src/lib/domain/rules.ts';

/**
 * The demo city's rules, one record per programme year from 2018, in the `city` room, written by the
 * records codec as the app writes them: the
 * caps and thresholds of Zhangjiagang 2020 (DOMAIN.md, "Money rules") for every year, so that a
 * project of any demo year is checked against rules in force. A real city enters its own.
 */
export function demoRulesUpdate(now: Date, lastYear = now.getUTCFullYear()): Uint8Array {
	const doc = new Y.Doc();
	const at = now.toISOString();
	const admin = { id: 'admin', name: 'admin' };
	doc.transact(() => {
		for (let year = 2018; year <= lastYear; year++) {
			const record = {
				...ZHANGJIAGANG_2020,
				id: `rules-${year}`,
				createdAt: at,
				createdBy: admin.id,
				year,
				effectiveFrom: `${year}-01-01`
			};
			createRecord(doc, 'cityRules', record, { seed: 'demo' }, admin, now);
		}
	});
	return Y.encodeStateAsUpdate(doc);
}
