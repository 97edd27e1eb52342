// A closed ring of `side` metres round a point, as [lon, lat] corners: a closing edit drawn round a
// facility cuts every way into it (the scenario tests).
export function ringAround(lon: number, lat: number, side: number): [number, number][] {
	const dx = side / 2 / (111_320 * Math.cos((lat * Math.PI) / 180));
	const dy = side / 2 / 110_574;
	return [
		[lon - dx, lat - dy],
		[lon + dx, lat - dy],
		[lon + dx, lat + dy],
		[lon - dx, lat + dy],
		[lon - dx, lat - dy]
	];
}
