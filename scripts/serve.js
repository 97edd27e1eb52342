#!/usr/bin/env node
// The production server: adapter-node's request handler (build/handler.js) behind a thin layer
// that decides, per connection, what the app may believe about a request. adapter-node alone
// assumes https whenever ORIGIN is unset, so on a plain-HTTP intranet (http://10.x.x.x:3000,
// http://gridatlas.district.local) every cookie came out Secure and was dropped by the browser.
// Here the scheme is the connection's own (TLS or not) unless a proxy the operator trusts says
// otherwise, and the same goes for the client address and host name.
//
// Environment: HOST (default all interfaces), PORT (3000), GRIDATLAS_TLS_CERT + GRIDATLAS_TLS_KEY
// (PEM files: serve HTTPS directly), GRIDATLAS_TRUSTED_PROXIES (comma-separated IPs / CIDR blocks
// whose X-Forwarded-Proto/-For/-Host are believed), SHUTDOWN_TIMEOUT (seconds, 30), ORIGIN (fixes
// scheme and host for every request, as in adapter-node; then forwarded headers are ignored),
// GRIDATLAS_WORKERS (processes sharing the port on the server engine: scripts/cluster.js).
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { parseTrustedProxies, requestFacts } from './request-facts.js';
import { superviseWorkers } from './cluster.js';
import { precompileEngine } from './precompile-engine.js';

// The supervising process of GRIDATLAS_WORKERS serves nothing (loading the app would open the
// database): the rest of this file runs in each worker. It stays here until process.exit.
if (superviseWorkers()) await new Promise(() => {});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// the embedded engine's WebAssembly compiles while the app's modules load (a warm start's largest wait)
precompileEngine(root);

// Headers only this layer writes: whatever a client sends under these names is removed first.
const PROTO_HEADER = 'x-gridatlas-proto';
const CLIENT_HEADER = 'x-gridatlas-client';
const HOST_HEADER = 'x-gridatlas-host';
const FORWARDED = ['x-forwarded-proto', 'x-forwarded-for', 'x-forwarded-host', 'forwarded'];

process.env.PROTOCOL_HEADER = PROTO_HEADER;
process.env.ADDRESS_HEADER = CLIENT_HEADER;
process.env.HOST_HEADER = HOST_HEADER;
// Every body limit is the app's own (src/lib/server/http/body.ts counts bytes as they arrive, per
// route, with a message in both languages); adapter-node's fixed limit would answer first, in English.
process.env.BODY_SIZE_LIMIT = 'Infinity';

let trusted;
try {
	trusted = parseTrustedProxies(process.env.GRIDATLAS_TRUSTED_PROXIES);
} catch (err) {
	console.error(`GridAtlas: ${err.message}`);
	process.exit(2);
}

const { handler } = await import(path.join(root, 'build', 'handler.js'));
let closing = false;

/** @param {import('node:http').IncomingMessage} req @param {import('node:http').ServerResponse} res */
function onRequest(req, res) {
	const facts = requestFacts({ encrypted: Boolean(req.socket.encrypted), peer: req.socket.remoteAddress, headers: req.headers }, trusted);
	for (const name of [PROTO_HEADER, CLIENT_HEADER, HOST_HEADER]) delete req.headers[name];
	if (!facts.viaProxy) for (const name of FORWARDED) delete req.headers[name];
	req.headers[PROTO_HEADER] = facts.protocol;
	req.headers[CLIENT_HEADER] = facts.client || 'unknown';
	if (facts.host) req.headers[HOST_HEADER] = facts.host;
	// Static files bypass the app's hooks: they get the headers that apply to every answer here.
	res.setHeader('x-content-type-options', 'nosniff');
	res.setHeader('referrer-policy', 'same-origin');
	// While shutting down, a keep-alive socket is closed as soon as its request is answered.
	if (closing) res.on('finish', () => server.closeIdleConnections());
	handler(req, res, () => {
		res.statusCode = 404;
		res.setHeader('content-type', 'text/plain; charset=utf-8');
		res.end('未找到 / not found');
	});
}

const cert = process.env.GRIDATLAS_TLS_CERT;
const key = process.env.GRIDATLAS_TLS_KEY;
if (Boolean(cert) !== Boolean(key)) {
	console.error('GridAtlas: set both GRIDATLAS_TLS_CERT and GRIDATLAS_TLS_KEY (PEM files) to serve HTTPS, or neither');
	process.exit(2);
}
const server = cert ? https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, onRequest) : http.createServer(onRequest);
// Idle keep-alive connections outlive a reverse proxy's (nginx keeps upstream ones 60 s): closed by
// this side first, one could be reused by the proxy as it closes, and a POST on it fail with a 502.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT || 3000);
server.listen({ host, port }, () => {
	const address = server.address();
	console.log(`Listening on ${cert ? 'https' : 'http'}://${typeof address === 'string' ? address : `${address.address}:${address.port}`}`);
});

function shutdown(reason) {
	if (closing) return;
	closing = true;
	// Keep-alive sockets would hold close() open until they time out: drop the idle ones now, and
	// the rest (open event streams) after SHUTDOWN_TIMEOUT.
	server.closeIdleConnections();
	const timer = setTimeout(() => server.closeAllConnections(), Number(process.env.SHUTDOWN_TIMEOUT || 30) * 1000);
	server.close(() => {
		clearTimeout(timer);
		process.emit('sveltekit:shutdown', reason);
	});
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
