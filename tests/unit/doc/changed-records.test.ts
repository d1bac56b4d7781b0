import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { appendToRecord, createRecord, updateRecord } from '$lib/doc/records';
import { changedRecords } from '$lib/doc/changed-records';
import { LocalChange } from '$lib/store/room-doc';
import { makeProject, makeSuggestion } from '../domain/factories';

const author = { id: 'tanglian-1', name: '汤联社区工作者 1' };
const at = new Date('2020-03-01T02:00:00.000Z');

/** The records each transaction on `doc` changed, in order. */
function watch(doc: Y.Doc): string[][] {
	const seen: string[][] = [];
	doc.on('afterTransaction', (tr: Y.Transaction) => {
		if (tr.changed.size > 0) seen.push(changedRecords(doc, tr.changed).sort());
	});
	return seen;
}

describe('the records a change touched', () => {
	it('names a created record, an edited field and a sub-record by kind and id', () => {
		const doc = new Y.Doc();
		const seen = watch(doc);
		const origin = new LocalChange('test', author.id);
		createRecord(doc, 'project', makeProject({ id: 'p-1' }), origin, author, at);
		createRecord(doc, 'suggestion', makeSuggestion({ id: 's-1' }), origin, author, at);
		updateRecord(doc, 'project', 'p-1', { title: '新的名称' }, origin, author, at);
		appendToRecord(
			doc,
			'project',
			'p-1',
			'progress',
			[{ id: 'u-1', at: at.toISOString(), note: '开工', photos: [] }],
			origin,
			author,
			at
		);
		expect(seen).toEqual([['project/p-1'], ['suggestion/s-1'], ['project/p-1'], ['project/p-1']]);
	});

	it('gives two records changed in one transaction, and a meeting for its minutes', () => {
		const doc = new Y.Doc();
		const origin = new LocalChange('test', author.id);
		createRecord(doc, 'suggestion', makeSuggestion({ id: 's-1' }), origin, author, at);
		doc.getMap('minutes').set('m-1', new Y.Text());
		const seen = watch(doc);
		doc.transact(() => {
			updateRecord(doc, 'suggestion', 's-1', { status: 'adopted' }, origin, author, at);
			(doc.getMap('minutes').get('m-1') as Y.Text).insert(0, '## 会议纪要');
		}, origin);
		expect(seen).toEqual([['councilMeeting/m-1', 'suggestion/s-1']]);
	});

	it('sees the same records in a change that arrives from another device', () => {
		const a = new Y.Doc();
		const b = new Y.Doc();
		createRecord(a, 'project', makeProject({ id: 'p-9' }), new LocalChange('t', 'x'), author, at);
		const seen = watch(b);
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(seen).toEqual([['project/p-9']]);
	});
});

describe('what is not a record', () => {
	it('leaves out top-level maps of other things (a photo’s metadata)', () => {
		const doc = new Y.Doc();
		const seen = watch(doc);
		doc.transact(() => {
			createRecord(
				doc,
				'suggestion',
				makeSuggestion({ id: 's-1' }),
				new LocalChange('t', 'x'),
				author,
				at
			);
			doc.getMap('photoMeta').set('abc', new Y.Map());
		});
		expect(seen).toEqual([['suggestion/s-1']]);
	});
});
