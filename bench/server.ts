/**
 * `npm run bench:server`: our sync server against the reference y-websocket 1.x server, on the same
 * workload, in the same run, on this machine. See bench/README.md for what each figure means.
 *
 * Options (environment): BENCH_CLIENTS (60), BENCH_ROOMS (15), BENCH_EDIT_MS (20),
 * BENCH_SECONDS (10 per round), BENCH_ROUNDS (3 per kind, turning which goes first),
 * BENCH_WARMUP_SECONDS (5: the same load before each round's measurement, not counted).
 *
 * Three kinds per round: our server with stock clients (`/sync/<room>`), our server with the app's
 * multiplexed client (`/mux`, one socket per client, src/lib/sync/mux-socket.ts), and the
 * reference server with stock clients.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { MuxSocket } from '../src/lib/sync/mux-socket.ts';
import { waitForPort } from './harness.ts';

const root = resolve(import.meta.dirname, '..');
const clients = Number(process.env.BENCH_CLIENTS ?? 60);
const roomCount = Number(process.env.BENCH_ROOMS ?? 15);
const editMs = Number(process.env.BENCH_EDIT_MS ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const clockTicks = 100; // Linux USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s

type Kind = 'ours' | 'ours-mux' | 'reference';

interface Running {
	name: 'ours' | 'reference';
	child: ChildProcess;
	port: number;
	stop(): Promise<void>;
	dataDir?: string;
}

/**
 * BENCH_CPU_PROF=<folder>: each server writes a V8 CPU profile into <folder>/<name> when it
 * stops (read them with `node bench/profile-top.mjs`).
 */
function profileFlags(name: 'ours' | 'reference'): string[] {
	const profile = process.env.BENCH_CPU_PROF;
	return profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, name)}`] : [];
}

/** Our server as production runs it: the bundle from `npm run build`, plain Node. */
function spawnOurs(dataDir: string): ChildProcess {
	return spawn(process.execPath, [...profileFlags('ours'), 'dist/server.mjs'], {
		cwd: root,
		env: {
			...process.env,
			PORT: '0',
			HOST: '127.0.0.1',
			DATA_DIR: dataDir,
			ROOM_IDLE_SECONDS: '2',
			// As `npm start` sets it (docs/operations.md): scrypt's blocks go back after sign-in.
			MALLOC_MMAP_THRESHOLD_: '131072'
		},
		stdio: ['ignore', 'pipe', 'inherit']
	});
}

/**
 * A data folder with the demo city, seeded by a first start that is then stopped: the measured
 * process starts on existing data, as a production server does, without the seed's memory.
 */
async function seededFolder(): Promise<string> {
	const dataDir = await mkdtemp(join(tmpdir(), 'kuaiban-bench-'));
	const seeding = spawnOurs(dataDir);
	await waitForPort(seeding);
	seeding.kill('SIGTERM');
	await new Promise((done) => seeding.once('exit', done));
	return dataDir;
}

async function startOurs(): Promise<Running> {
	const dataDir = await seededFolder();
	// One process, so /proc/<pid> measures the server itself.
	const child = spawnOurs(dataDir);
	const port = await waitForPort(child);
	return {
		name: 'ours',
		child,
		port,
		dataDir,
		async stop() {
			child.kill('SIGTERM');
			await new Promise((done) => child.once('exit', done));
			await rm(dataDir, { recursive: true, force: true });
		}
	};
}

async function startReference(): Promise<Running> {
	const child = spawn(
		process.execPath,
		[...profileFlags('reference'), 'bench/reference-server.mjs'],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	const port = await waitForPort(child);
	return {
		name: 'reference',
		child,
		port,
		async stop() {
			child.kill('SIGTERM');
			await new Promise((done) => child.once('exit', done));
		}
	};
}

/** The server's own CPU seconds (user + system) and memory, read from /proc. */
async function processStats(pid: number) {
	const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
	const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / clockTicks;
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
	return { cpuSeconds, rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function login(port: number, username: string): Promise<string> {
	const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
		method: 'POST',
		body: JSON.stringify({ username, password: 'demo' })
	});
	return ((await res.json()) as { token: string }).token;
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const median = (values: number[]) =>
	[...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

interface RoundResult {
	server: Kind;
	editsPerSecond: number;
	deliveriesPerSecond: number;
	p50: number;
	p99: number;
	cpuMsPerEdit: number;
	peakRssMb: number;
	rssAfterMb: number;
	baselineRssMb: number;
	generatorBusy: number;
}

/** One bench client: its document, synced once `ready` resolves, and how to end it. */
interface BenchClient {
	doc: Y.Doc;
	ready: Promise<void>;
	destroy(): void;
}

function stockClient(port: number, room: string, token: string | undefined): BenchClient {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/sync`, room, doc, {
		params: token ? { token } : {},
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	return {
		doc,
		ready: new Promise<void>((done) =>
			provider.synced ? done() : provider.once('sync', () => done())
		),
		destroy: () => provider.destroy()
	};
}

function muxClient(port: number, room: string, token: string): BenchClient {
	const doc = new Y.Doc();
	let synced!: () => void;
	const ready = new Promise<void>((done) => (synced = done));
	const socket = new MuxSocket({
		url: `ws://127.0.0.1:${port}/mux`,
		token,
		onRefused: (code) => console.error(`mux client refused: ${code}`),
		onStatus: () => undefined,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket
	});
	socket.channel(room, doc).onSynced = () => synced();
	socket.connect();
	return { doc, ready, destroy: () => socket.destroy() };
}

async function round(
	server: Running,
	communityIds: string[],
	kind: Kind = server.name
): Promise<RoundResult> {
	const baseline = await processStats(server.child.pid ?? 0);
	const rooms = communityIds.slice(0, roomCount).map((id) => `community:${id}`);
	const tokens = new Map<string, string>();
	if (server.name === 'ours') {
		for (const id of communityIds.slice(0, roomCount))
			tokens.set(id, await login(server.port, `${id}-1`));
	}
	const latencies: number[] = [];
	let deliveries = 0;
	const benchClients: BenchClient[] = [];
	const docs: Y.Doc[] = [];
	for (let i = 0; i < clients; i++) {
		const room = rooms[i % rooms.length] ?? 'community:x';
		const token = tokens.get(room.slice('community:'.length));
		const client =
			kind === 'ours-mux'
				? muxClient(server.port, room, token ?? '')
				: stockClient(server.port, room, token);
		const doc = client.doc;
		const edits = doc.getMap<number>('bench');
		edits.observe((event) => {
			if (event.transaction.local) return;
			const now = performance.now();
			for (const key of event.keysChanged) {
				const sent = edits.get(key);
				if (typeof sent === 'number') {
					latencies.push(now - sent);
					deliveries++;
				}
			}
		});
		benchClients.push(client);
		docs.push(doc);
	}
	await Promise.all(benchClients.map((c) => c.ready));

	let edits = 0;
	const timers = docs.map((doc, i) =>
		setInterval(() => {
			// One small edit: this client's own key, so edits never conflict and each one is delivered.
			doc.getMap<number>('bench').set(`c${i}`, performance.now());
			edits++;
		}, editMs)
	);
	// The same load, unmeasured, until the JIT has compiled the hot paths: a server runs for days,
	// and a fresh process's compiling is not the cost of an edit.
	await new Promise((done) => setTimeout(done, warmupSeconds * 1000));
	const before = await processStats(server.child.pid ?? 0);
	const generatorBefore = process.cpuUsage();
	const started = performance.now();
	edits = 0;
	latencies.length = 0;
	deliveries = 0;
	await new Promise((done) => setTimeout(done, seconds * 1000));
	for (const t of timers) clearInterval(t);
	const elapsed = (performance.now() - started) / 1000;
	await new Promise((done) => setTimeout(done, 500)); // the last deliveries
	const after = await processStats(server.child.pid ?? 0);
	const generatorCpu = process.cpuUsage(generatorBefore);
	for (const c of benchClients) c.destroy();
	for (const d of docs) d.destroy();
	// Our rooms unload 2 s after the last client (ROOM_IDLE_SECONDS=2); the reference never does.
	await new Promise((done) => setTimeout(done, 4000));
	const left = await processStats(server.child.pid ?? 0);
	latencies.sort((a, b) => a - b);
	return {
		server: kind,
		editsPerSecond: edits / elapsed,
		deliveriesPerSecond: deliveries / elapsed,
		p50: percentile(latencies, 50),
		p99: percentile(latencies, 99),
		cpuMsPerEdit: ((after.cpuSeconds - before.cpuSeconds) * 1000) / Math.max(1, edits),
		peakRssMb: after.peakMb,
		rssAfterMb: left.rssMb,
		baselineRssMb: baseline.rssMb,
		generatorBusy: (generatorCpu.user + generatorCpu.system) / 1e6 / elapsed
	};
}

async function main() {
	// The server as `npm start` builds it.
	await import('../scripts/build-server.mjs');
	const { demoCity } = await import('../sync-server/demo-city.ts');
	const communityIds = demoCity().communities.map((c) => c.id);
	const results: RoundResult[] = [];
	for (let r = 0; r < rounds; r++) {
		const kinds: Kind[] = ['ours', 'ours-mux', 'reference'];
		// Which goes first turns each round, so no kind always runs on a cold or hot machine.
		const order = [...kinds.slice(r % 3), ...kinds.slice(0, r % 3)];
		for (const kind of order) {
			const server = await (kind === 'reference' ? startReference() : startOurs());
			try {
				const result = await round(server, communityIds, kind);
				results.push(result);
				console.log(
					`round ${r + 1} ${result.server.padEnd(9)} ${result.editsPerSecond.toFixed(0)} edits/s, ` +
						`${result.deliveriesPerSecond.toFixed(0)} deliveries/s, p50 ${result.p50.toFixed(1)} ms, ` +
						`p99 ${result.p99.toFixed(1)} ms, ${result.cpuMsPerEdit.toFixed(3)} ms CPU/edit, ` +
						`peak ${result.peakRssMb.toFixed(0)} MB, after ${result.rssAfterMb.toFixed(0)} MB, ` +
						`generator ${(result.generatorBusy * 100).toFixed(0)}%` +
						(result.generatorBusy > 0.7 ? '  ⚠ generator over 70% busy: figures unreliable' : '')
				);
			} finally {
				await server.stop();
			}
		}
	}
	const of = (name: string, pick: (r: RoundResult) => number) =>
		median(results.filter((r) => r.server === name).map(pick));
	const rows: [string, (r: RoundResult) => number, number][] = [
		['edits per second', (r) => r.editsPerSecond, 0],
		['deliveries per second', (r) => r.deliveriesPerSecond, 0],
		['fan-out latency p50 (ms)', (r) => r.p50, 2],
		['fan-out latency p99 (ms)', (r) => r.p99, 2],
		['server CPU per edit (ms)', (r) => r.cpuMsPerEdit, 4],
		['server RSS before (MB)', (r) => r.baselineRssMb, 1],
		['server peak RSS (MB)', (r) => r.peakRssMb, 1],
		['server RSS after clients left (MB)', (r) => r.rssAfterMb, 1],
		['generator CPU busy (share of one core)', (r) => r.generatorBusy, 2]
	];
	const lines = [
		`# Sync server benchmark — ${new Date().toISOString().slice(0, 10)}`,
		'',
		`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}.`,
		`Workload: ${clients} clients in ${roomCount} rooms, one edit per client every ` +
			`${editMs} ms, ${seconds} s measured per round after ${warmupSeconds} s of the same load, ` +
			`${rounds} rounds per kind turning which goes first; medians. "ours" and "reference": stock ` +
			`y-websocket clients; "ours, /mux": the app's multiplexed client, one socket each.`,
		'',
		'| figure | ours | ours, /mux | reference | ours / reference | /mux / reference |',
		'| --- | ---: | ---: | ---: | ---: | ---: |',
		...rows.map(([label, pick, digits]) => {
			const ours = of('ours', pick);
			const mux = of('ours-mux', pick);
			const reference = of('reference', pick);
			return `| ${label} | ${ours.toFixed(digits)} | ${mux.toFixed(digits)} | ${reference.toFixed(digits)} | ${(ours / reference).toFixed(2)} | ${(mux / reference).toFixed(2)} |`;
		})
	];
	const report = lines.join('\n');
	console.log(`\n${report}`);
	if (process.env.BENCH_OUT) await writeFile(process.env.BENCH_OUT, `${report}\n`);
}

await main();
process.exit(0);
