// Cross-site form posts are refused by comparing the Origin header with the Host the request came
// to — protocol-agnostic, so an intranet server reached over http by IP or any name still works.
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

export function isCrossSiteWrite(request: Request): boolean {
	if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return false;
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
	if (!FORM_TYPES.includes(type)) return false;
	const origin = request.headers.get('origin');
	if (!origin) return false; // non-browser clients (curl, scripts) send none
	const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
	try {
		return new URL(origin).host !== host;
	} catch {
		return true;
	}
}
