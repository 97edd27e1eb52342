// Jurisdiction as a row filter (issue 16, finding 1), over HTTP against the production build: the
// figures and the live stream. Answers with case figures at a unit above a reader's jurisdiction stay
// the same while more foreign cases arrive, and change when one more of the reader's own does (so the
// check can't pass by answering nothing); the live stream delivers none of the foreign cases, replayed
// or live. The planted city: tests/helpers/jurisdiction/city.ts; the reads: jurisdiction-reads.test.ts.
import { describe, expect, it } from 'vitest';
import { caseId, FOREIGN, openStream, plantedCity, steady, type Place } from '../helpers/jurisdiction/city';
import { calls } from '../helpers/jurisdiction/probes';

describe('jurisdiction: figures and the case stream above the jurisdiction carry none of its siblings’ cases', () => {
	const city = plantedCity();
	const { readers, planted, get, plant, leaks } = city;

	it('figures stay the same while foreign cases arrive and change with one more own case; the stream carries no foreign case', async () => {
		const figureCalls = calls(city.ctx, (p) => !!p.figures).filter((c) => c.figures);
		const record = async () => {
			const answers = new Map<string, { status: number; text: string }>();
			for (const reader of readers) for (const call of figureCalls) answers.set(`${reader.name} ${call.path}`, await get(reader, call.path));
			return answers;
		};
		const streams = await Promise.all(readers.map((r) => openStream(city.app.url, r.headers)));
		const failures: string[] = [];
		let before = await record();
		// Foreign to ever fewer readers: outside every unit and next door, then the next community, then the next grid.
		for (const stage of [['nowhere', 'sibsub'], ['sibcomm'], ['sibgrid']] as Place[][]) {
			await plant(stage, 2);
			const after = await record();
			for (const reader of readers.filter((r) => stage.every((p) => FOREIGN[r.level].includes(p)))) {
				for (const call of figureCalls) {
					const key = `${reader.name} ${call.path}`;
					const [a, b] = [before.get(key)!, after.get(key)!];
					if (a.status !== b.status || steady(a.text) !== steady(b.text)) failures.push(`${key}: changed when ${stage.join(' and ')} got cases`);
					failures.push(...leaks(reader, call.path, b.text));
				}
			}
			before = after;
		}
		await plant(['own'], 1);
		const after = await record();
		for (const reader of readers) {
			for (const call of figureCalls) {
				const key = `${reader.name} ${call.path}`;
				const [a, b] = [before.get(key)!, after.get(key)!];
				if (call.ownInside && b.status === 200 && steady(a.text) === steady(b.text)) failures.push(`${key}: did not change with one more own case`);
			}
		}
		// The stream: replayed from the start, then live through every stage, up to the last own case.
		const last = caseId('own', planted.own);
		for (const [i, stream] of streams.entries()) {
			const reader = readers[i];
			const text = await stream.until(last, 10_000);
			stream.close();
			if (stream.status !== 200) continue; // no cases:read (a viewer)
			if (!text.includes(last)) failures.push(`${reader.name} stream: its own new case ${last} never came`);
			failures.push(...leaks(reader, '/api/cases/stream', text));
		}
		expect(failures).toEqual([]);
	}, 300_000);
});
