// The reference geodesic for tests of geo/measure's ruler and of what is measured with it.

/** Vincenty's inverse formula on the WGS-84 ellipsoid (≈ 0.1 mm), the reference geodesic. */
export function vincenty(lon1: number, lat1: number, lon2: number, lat2: number): number {
	const a = 6378137,
		f = 1 / 298.257223563,
		b = a * (1 - f),
		rad = Math.PI / 180;
	const L = (lon2 - lon1) * rad;
	const U1 = Math.atan((1 - f) * Math.tan(lat1 * rad)),
		U2 = Math.atan((1 - f) * Math.tan(lat2 * rad));
	const sinU1 = Math.sin(U1),
		cosU1 = Math.cos(U1),
		sinU2 = Math.sin(U2),
		cosU2 = Math.cos(U2);
	let lambda = L,
		prev: number,
		sinSigma: number,
		cosSigma: number,
		sigma: number,
		cos2Alpha: number,
		cos2SigmaM: number;
	let iterations = 0;
	do {
		const sinL = Math.sin(lambda),
			cosL = Math.cos(lambda);
		sinSigma = Math.sqrt((cosU2 * sinL) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cosL) ** 2);
		if (sinSigma === 0) return 0;
		cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
		sigma = Math.atan2(sinSigma, cosSigma);
		const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
		cos2Alpha = 1 - sinAlpha * sinAlpha;
		cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha;
		const C = (f / 16) * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha));
		prev = lambda;
		lambda = L + (1 - C) * f * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM ** 2)));
	} while (Math.abs(lambda - prev) > 1e-13 && ++iterations < 200);
	const u2 = (cos2Alpha * (a * a - b * b)) / (b * b);
	const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
	const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
	const dSigma =
		B *
		sinSigma *
		(cos2SigmaM + (B / 4) * (cosSigma * (-1 + 2 * cos2SigmaM ** 2) - (B / 6) * cos2SigmaM * (-3 + 4 * sinSigma ** 2) * (-3 + 4 * cos2SigmaM ** 2)));
	return b * A * (sigma - dSigma);
}
