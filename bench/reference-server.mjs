// The reference: y-websocket 1.x's own server (its `setupWSConnection`), as `npx y-websocket`
// runs it, without persistence. Installed as the devDependency `y-websocket-reference`.
// Prints one JSON line with its port when ready, like our server does.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { createRequire } from 'node:module';

// The 1.x package is CommonJS and exports `./bin/utils` to require() only.
const load = createRequire(import.meta.url);
const { setupWSConnection } = load('y-websocket-reference/bin/utils');

const server = http.createServer((_req, res) => {
	res.writeHead(200, { 'Content-Type': 'text/plain' });
	res.end('reference');
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (conn, req) => {
	// Our clients connect to /sync/<room>; the reference names the document by the whole path.
	const docName = (req.url || '/')
		.slice(1)
		.split('?')[0]
		.replace(/^sync\//, '');
	setupWSConnection(conn, req, { docName });
});
server.on('upgrade', (req, socket, head) => {
	wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => {
	process.stdout.write(`${JSON.stringify({ msg: 'listening', port: server.address().port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
