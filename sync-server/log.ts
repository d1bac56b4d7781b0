/**
 * Structured logs: one JSON object a line on stdout, for people and for log shippers alike.
 * Secrets never reach a log line: fields named like a secret are replaced, and a `token=` in any
 * string (a websocket URL carries one) is masked.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
	debug(msg: string, fields?: LogFields): void;
	info(msg: string, fields?: LogFields): void;
	warn(msg: string, fields?: LogFields): void;
	error(msg: string, fields?: LogFields): void;
	child(fields: LogFields): Logger;
}

const secretName = /^(token|password|passwd|authorization|secret|cookie|.*_secret|.*token)$/i;
const tokenInText = /([?&;]token=)[^&\s"';]*/gi;
const bearer = /(bearer\s+)[\w.~+/=-]+/gi;

export const redacted = '[redacted]';

export function redactText(text: string): string {
	return text.replace(tokenInText, `$1${redacted}`).replace(bearer, `$1${redacted}`);
}

export function redact(value: unknown, depth = 0): unknown {
	if (typeof value === 'string') return redactText(value);
	if (value instanceof Error) {
		return {
			name: value.name,
			message: redactText(value.message),
			stack: redactText(value.stack ?? '')
		};
	}
	if (value === null || typeof value !== 'object' || depth > 5) return value;
	if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
	const out: Record<string, unknown> = {};
	for (const [key, item] of Object.entries(value)) {
		out[key] = secretName.test(key) ? redacted : redact(item, depth + 1);
	}
	return out;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
	level?: LogLevel;
	write?: (line: string) => void;
	now?: () => Date;
	base?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
	const min = order[options.level ?? 'info'];
	const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
	const now = options.now ?? (() => new Date());
	const base = options.base ?? {};
	const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
		if (order[level] < min) return;
		const entry = redact({ ...base, ...fields }) as LogFields;
		write(JSON.stringify({ time: now().toISOString(), level, msg: redactText(msg), ...entry }));
	};
	return {
		debug: (msg, fields) => emit('debug', msg, fields),
		info: (msg, fields) => emit('info', msg, fields),
		warn: (msg, fields) => emit('warn', msg, fields),
		error: (msg, fields) => emit('error', msg, fields),
		child: (fields) => createLogger({ ...options, base: { ...base, ...fields } })
	};
}
