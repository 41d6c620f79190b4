// Starting, watching and stopping real banktax-node processes for the end-to-end tests.
//
// Every node a test starts is registered here and killed when the test file ends, whether it
// passed, failed or was interrupted.

import { spawn, execFile, execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testSpec } from './specs.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WORK = join(REPO, 'tests', '.work');

/** A release binary: $<variable> if set, else `<name>` in $CARGO_TARGET_DIR/release. */
function releaseBinary(name, variable) {
  if (process.env[variable]) return process.env[variable];
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache', 'banktax', 'target');
  const binary = join(target, 'release', name);
  if (!existsSync(binary)) {
    throw new Error(`no ${name} binary at ${binary}: run ./scripts/setup.sh (or set ${variable})`);
  }
  return binary;
}

/** The node binary under test: $BANKTAX_NODE, else the release build in $CARGO_TARGET_DIR. */
export function nodeBinary() {
  return releaseBinary('banktax-node', 'BANKTAX_NODE');
}

/** Runs the `banktax` command line (its release build, or $BANKTAX_CLI); returns its JSON. */
export function banktax(args) {
  const out = execFileSync(releaseBinary('banktax', 'BANKTAX_CLI'), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

/**
 * Runs the `banktax` command line without blocking the event loop; resolves with its JSON,
 * rejects with an error whose message is its stderr (and `exitCode`, `stderr` set).
 */
export function banktaxAsync(args, { timeoutMs = 180_000, cwd } = {}) {
  return new Promise((ok, fail) => {
    execFile(releaseBinary('banktax', 'BANKTAX_CLI'), args, { encoding: 'utf8', timeout: timeoutMs, cwd }, (error, stdout, stderr) => {
      if (error) {
        const failure = new Error(`banktax ${args.slice(0, 2).join(' ')} (exit ${error.code}): ${stderr.trim()}`);
        failure.exitCode = error.code;
        failure.stderr = stderr;
        return fail(failure);
      }
      try {
        const value = JSON.parse(stdout);
        value.progress = stderr;
        ok(value);
      } catch {
        fail(new Error(`banktax ${args.slice(0, 2).join(' ')} printed no JSON: ${stdout}`));
      }
    });
  });
}

/**
 * Starts the `banktax` command line as a long-running service (`authority serve`); its stderr,
 * one JSON line per event, goes to `lines` as they come. Returns the child process.
 */
export function banktaxService(args, lines = []) {
  const child = spawn(releaseBinary('banktax', 'BANKTAX_CLI'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  if (process.env.BANKTAX_PID_FILE) appendFileSync(process.env.BANKTAX_PID_FILE, `${child.pid}\n`);
  let rest = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const part of parts) {
      try {
        lines.push(JSON.parse(part));
      } catch {
        lines.push({ text: part });
      }
    }
  });
  return child;
}

/** A fresh directory for one test file's nodes, removed when the process exits. */
export function workDir(name) {
  mkdirSync(WORK, { recursive: true });
  const dir = mkdtempSync(join(WORK, `${name}-`));
  process.on('exit', () => {
    if (!process.env.KEEP_TEST_WORK) rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/**
 * Ports handed out to nodes: below the kernel's range for outgoing connections (32768 and up),
 * which could otherwise take a port between the moment it is found free and the moment a node
 * listens on it, and clear of scripts/testnet.sh's fixed ports (30333–30337).
 */
const PORTS = { first: 20000, count: 10000 };

/** Whether a TCP port can be listened on, on every interface, right now. */
function canListen(port) {
  return new Promise((ok) => {
    const server = createServer();
    server.unref();
    server.once('error', () => ok(false));
    server.listen(port, '0.0.0.0', () => server.close(() => ok(true)));
  });
}

/**
 * The first of `count` consecutive TCP ports nobody listens on right now, picked at random so
 * that test files running side by side rarely pick the same.
 */
export async function freePorts(count) {
  search: for (let attempt = 0; attempt < 200; attempt += 1) {
    const first = PORTS.first + Math.floor(Math.random() * (PORTS.count - count));
    for (let port = first; port < first + count; port += 1) {
      if (!(await canListen(port))) continue search;
    }
    return first;
  }
  throw new Error(`no ${count} free ports in a row in ${PORTS.first}–${PORTS.first + PORTS.count - 1}`);
}

/** A TCP port nobody listens on right now. */
export function freePort() {
  return freePorts(1);
}

const running = new Set();

function killAll(signal) {
  for (const child of running) {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}
process.on('exit', () => killAll('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll('SIGKILL');
    process.exit(130);
  });
}

/** Runs the node binary to completion (key insertion and other one-off commands). */
export function runNode(args) {
  // A chain spec carries the runtime's code: several MiB of output.
  return execFileSync(nodeBinary(), args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * A running node. `start()` spawns it; `stop()` sends SIGTERM and waits for it to exit.
 * Its output goes to `<dir>/<name>.log`, and the last lines are quoted when a wait fails.
 */
export class Node {
  constructor({ name, args, dir, rpcPort }) {
    this.name = name;
    this.args = args;
    this.rpcPort = rpcPort;
    this.logPath = join(dir, `${name}.log`);
    this.tail = [];
  }

  get url() {
    return `ws://127.0.0.1:${this.rpcPort}`;
  }

  start() {
    this.stopping = false;
    const log = createWriteStream(this.logPath, { flags: 'a' });
    // No mDNS: nodes find their peers through their chain spec's boot nodes only, never another
    // test's network on the same machine.
    const args = [...this.args, '--disable-log-color', '--no-prometheus', '--no-telemetry', '--no-mdns'];
    const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk) => {
      log.write(chunk);
      this.tail.push(...chunk.toString().split('\n').filter(Boolean));
      this.tail.splice(0, Math.max(0, this.tail.length - 40));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((ok) =>
      child.on('exit', (code, signal) => {
        running.delete(child);
        log.end();
        ok({ code, signal });
      }),
    );
    running.add(child);
    // CI ends, by process id, what the tests leave running (.ci/run).
    if (process.env.BANKTAX_PID_FILE) appendFileSync(process.env.BANKTAX_PID_FILE, `${child.pid}\n`);
    this.child = child;
    return this;
  }

  get alive() {
    return this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(timeoutMs = 20_000) {
    if (!this.alive) return;
    this.stopping = true;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** The first match of `pattern` in everything this node has logged since `fromByte`. */
  findInLog(pattern, fromByte = 0) {
    if (!existsSync(this.logPath)) return null;
    return readFileSync(this.logPath).subarray(fromByte).toString().match(pattern);
  }

  /** How many bytes of log there are so far; pass to `findInLog` to search only what follows. */
  logSize() {
    return existsSync(this.logPath) ? readFileSync(this.logPath).length : 0;
  }

  lastLines(n = 15) {
    return this.tail.slice(-n).join('\n');
  }
}

/**
 * Polls `check` until it returns a truthy value, and returns that value. Fails after
 * `timeoutMs` with "timed out after …s waiting for <what>", and the nodes' last log lines.
 */
export async function waitFor(what, check, { timeoutMs = 60_000, everyMs = 500, nodes = [] } = {}) {
  const started = Date.now();
  let lastError;
  const logs = () => nodes.map((n) => `--- ${n.name} (${n.logPath}) ---\n${n.lastLines()}`).join('\n');
  while (Date.now() - started < timeoutMs) {
    const dead = nodes.filter((n) => n.child && !n.alive && !n.stopping);
    if (dead.length > 0) {
      throw new Error(`${dead.map((n) => n.name).join(', ')} exited while waiting for ${what}\n${logs()}`);
    }
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  const cause = lastError ? `\nlast error: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${cause}\n${logs()}`);
}

/**
 * Starts a development node (`--dev`: Alice's validator alone) of the test development chain
 * (one-second blocks, `./specs.js`) named `name`, with its own database under `dir`.
 */
export async function startDevNode(name, dir) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  return new Node({
    name,
    dir,
    rpcPort,
    args: ['--dev', '--chain', testSpec('dev', dir), '--base-path', join(dir, name),
      '--rpc-port', `${rpcPort}`, '--port', `${p2pPort}`],
  }).start();
}
