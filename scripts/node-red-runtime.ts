/**
 * The whole koppeling on this machine, as `npm run demo` and the end-to-end and editor tests use
 * it: both simulators, a local SMTP server for the alert mails, and a real Node-RED (a child
 * process, fresh user directory) with this package installed from its `npm pack` tarball and the
 * example flow deployed through the admin API with credentials that point at the simulators.
 *
 * Run summaries come back over HTTP: the deployed flow gets one extra `http request` node that
 * posts the report node's summaries to a listener here.
 *
 * With `adminAuth` users the admin API asks for a login, as a secured installation does: the
 * runtime's own calls log in as its "*" user, and `login()` gives a test any user's token.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { listen, readBody, type Listening } from "../sim/http";
import { startCcvSim, type CcvSim } from "../sim/ccv/server";
import { simLedgerId, simOmzetgroepId, startSnelStartSim, type SnelStartSim } from "../sim/snelstart/server";
import { SIM_CREDENTIALS } from "../sim/cli";
import type { RateLimitMode } from "../sim/http";
import type { RunSummary } from "../src/koppeling/report";
import { formatRateLimitSetting } from "../src/nodes/rate-limits";
import { ROOT } from "./repo-root";

export { ROOT };
export const PACKAGE_NAME = "@open-koppeling/node-red-ccv-snelstart";
export const EXAMPLE_FILE = path.join(ROOT, "examples", "CCV Shop to SnelStart.json");

/** Ids of the example flow's nodes that the runtime drives. */
export const EXAMPLE_IDS = {
  inject: "1nject0000000001",
  registerWebhooks: "r3g1ster00000001",
  fullSync: "fu11sync00000001",
  ordersIn: "0rders1n00000001",
  /** The booking path, in this order since 0.2: ordersIn → debtor → mapper → invoice. */
  debtor: "debt0r0000000001",
  mapper: "vatmapper0000001",
  invoice: "1nv01ce000000001",
  report: "rep0rt0000000001",
  /** The monthly reconciliation: its inject and the reconcile node. */
  reconcile: "rec0ncile0000001",
  email: "ema1l00000000001",
  ccvConfig: "ccvc0nf000000001",
  snelstartConfig: "sn3lc0nf00000001",
  mapping: "vatmap0000000001",
};
const PROBE_ID = "pr0be00000000001";

export interface Mail {
  to: string[];
  subject: string;
  text: string;
}

/** An editor user for Node-RED's `adminAuth` (the password in plain text; settings.js gets its bcrypt hash). */
export interface AdminUser {
  username: string;
  password: string;
  /** Node-RED permissions: "*", "read", or e.g. "flows.read". */
  permissions: string;
}

export interface KoppelingOptions {
  /** Node-RED's port; 0 = a free one. */
  port?: number;
  ccvPort?: number;
  snelstartPort?: number;
  orders?: number;
  seed?: number;
  /** The CCV shop's daily volume: its `orders` span `orders / ordersPerDay` days (default: 90 days; sim/ccv/server.ts). */
  ordersPerDay?: number;
  /** The CCV shop's present (ms): its seeded orders and invoices end there (default: the seed's reference date; sim/ccv/server.ts). */
  historyEnd?: number;
  /** The simulators' rate limits and, through settings.js (`ccvSnelstart.rateLimits`), the koppeling's clients' (default real). */
  rateLimits?: RateLimitMode;
  /** Node.js binary and Node-RED package directory to run (default: this Node and the root's node-red). */
  nodeBinary?: string;
  /** Node.js options for the Node-RED process (e.g. `--max-old-space-size=100`). */
  nodeArgs?: string[];
  nodeRedDir?: string;
  /** Where the user directory goes (default: a fresh temp directory, removed on stop). */
  userDir?: string;
  webhookToken?: string;
  /** Forward Node-RED's output lines (default: keep them in userDir/node-red.log only). */
  onLog?: (line: string) => void;
  /** Change the flow before it is deployed. */
  editFlow?: (flow: FlowNode[]) => void;
  /**
   * Prepare the simulators before the flow is deployed (e.g. break an order that the example's
   * run at deploy should fail): nothing of the flow runs yet, so nothing races it.
   */
  beforeDeploy?: (sims: { ccv: CcvSim; snelstart: SnelStartSim }) => void | Promise<void>;
  /** Deploy the example flow (default true); false leaves Node-RED with an empty workspace. */
  deploy?: boolean;
  /**
   * Turns on Node-RED's `adminAuth` with these users (default: none, an open admin API). The
   * runtime's own admin calls log in as the first user with "*" permission.
   */
  adminAuth?: AdminUser[];
  /** The runtime's language (settings.js `lang`, e.g. "nl"); default: none, so Node-RED's (the environment's, else en-US). */
  lang?: string;
}

export type FlowNode = Record<string, unknown> & { id: string; type: string };

export interface KoppelingRuntime {
  url: string;
  userDir: string;
  ccv: CcvSim;
  snelstart: SnelStartSim;
  webhookUrl: string;
  summaries: RunSummary[];
  mails: Mail[];
  /** Waits for the summary number `count` (1-based) to arrive. */
  waitForSummary(count: number, timeoutMs?: number): Promise<RunSummary>;
  /**
   * Presses the schedule's inject button (a run; with `full`, the "full sync" button) and waits for
   * its summary (webhook runs' summaries are passed over).
   */
  run(timeoutMs?: number, opts?: { full?: boolean }): Promise<RunSummary>;
  /** Presses an inject node's button (again, for up to 10 s, while Node-RED does not know it yet: a deploy starting). */
  inject(id: string): Promise<void>;
  /** GET on the Node-RED admin API, JSON. */
  adminGet(pathAndQuery: string): Promise<unknown>;
  /**
   * Logs in to the admin API (`POST /auth/token`, as the `node-red-admin` client) and returns the
   * bearer token; `scope` "" (default) asks for the user's own permissions. Throws on a refusal.
   */
  login(username: string, password: string, scope?: string): Promise<string>;
  /**
   * SIGKILLs Node-RED, as a crash or a power cut would, and waits until it is gone. The
   * simulators, the SMTP server, the summary listener and the user directory stay.
   */
  kill(): Promise<void>;
  /**
   * Starts a new Node-RED on the same user directory and port (a stopped one is SIGKILLed
   * first): it loads flows.json and flows_cred.json as deployed, nothing is deployed again.
   * Resolves when the package is loaded and the flows are started.
   */
  restart(): Promise<void>;
  /** Whether a Node-RED process is running. */
  readonly running: boolean;
  /** The process id of the Node-RED of now (null when none runs), e.g. for its memory in /proc. */
  readonly pid: number | null;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Packs this package (what npm would publish) and unpacks it into `userDir/node_modules`. */
export function installPackage(userDir: string): void {
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-pack-"));
  try {
    const pack = spawnSync("npm", ["pack", "--json", "--pack-destination", packDir], { cwd: ROOT, encoding: "utf8" });
    if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
    const file = (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0].filename;
    const target = path.join(userDir, "node_modules", ...PACKAGE_NAME.split("/"));
    fs.mkdirSync(target, { recursive: true });
    const tar = spawnSync("tar", ["-xzf", path.join(packDir, path.basename(file)), "-C", target, "--strip-components=1"], { encoding: "utf8" });
    if (tar.status !== 0) throw new Error(`unpacking ${file} failed: ${tar.stderr}`);
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

/** node-red-node-email, from tools/email (installed on first use), linked into the user directory. */
export function installEmailNode(userDir: string): void {
  const tools = path.join(ROOT, "tools", "email");
  const source = path.join(tools, "node_modules", "node-red-node-email");
  if (!fs.existsSync(path.join(source, "package.json"))) {
    const r = spawnSync("npm", ["install", "--no-audit", "--no-fund"], { cwd: tools, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`installing node-red-node-email failed: ${r.stderr}`);
  }
  const link = path.join(userDir, "node_modules", "node-red-node-email");
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(source, link, "dir");
}

/** bcrypt hashes as Node-RED's adminAuth expects them, with the bcryptjs Node-RED's editor API depends on. */
function bcryptHash(password: string): string {
  const requireFromEditorApi = createRequire(require.resolve("@node-red/editor-api/package.json"));
  const bcrypt = requireFromEditorApi("bcryptjs") as { hashSync(text: string, rounds: number): string };
  return bcrypt.hashSync(password, 8);
}

function settingsJs(port: number, rateLimits: RateLimitMode, users: readonly AdminUser[] = [], lang?: string): string {
  const adminAuth = users.length
    ? `\n  adminAuth: ${JSON.stringify({ type: "credentials", users: users.map((u) => ({ username: u.username, password: bcryptHash(u.password), permissions: u.permissions })) })},`
    : "";
  return `module.exports = {
  uiHost: "127.0.0.1",
  uiPort: ${port},
  flowFile: "flows.json",
  credentialSecret: "koppeling-demo-only",
  contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem" } },
  logging: { console: { level: "info", metrics: false, audit: false } },
  diagnostics: { enabled: false, ui: false },
  telemetry: { enabled: false, updateNotification: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false }, modules: { allowInstall: false } },
  editorTheme: { tours: false, palette: { catalogues: [] }, projects: { enabled: false } },
  // The API clients keep to the same rate limits as the simulators they talk to (for the simulators only).
  ccvSnelstart: { rateLimits: ${JSON.stringify(formatRateLimitSetting(rateLimits))} },${adminAuth}${lang ? `\n  lang: ${JSON.stringify(lang)},` : ""}
};
`;
}

/** For `editFlow`: the example's schedule runs only when its button is pressed (`run()`), not at deploy and not every 2 hours. */
export function scheduleByHand(flow: FlowNode[]): void {
  const inject = flow.find((n) => n.id === EXAMPLE_IDS.inject);
  if (inject) Object.assign(inject, { once: false, repeat: "" });
}

/** The example flow, pointed at the simulators, the SMTP server and the summary listener. */
export function demoFlow(opts: { ccvUrl: string; snelstartUrl: string; smtpPort: number; probeUrl: string; nodeRedUrl: string }): FlowNode[] {
  const flow = JSON.parse(fs.readFileSync(EXAMPLE_FILE, "utf8")) as FlowNode[];
  const byId = (id: string) => {
    const n = flow.find((x) => x.id === id);
    if (!n) throw new Error(`the example flow has no node ${id}`);
    return n;
  };
  Object.assign(byId(EXAMPLE_IDS.ccvConfig), {
    name: "CCV Shop simulator",
    shopUrl: opts.ccvUrl,
    credentials: { publicKey: SIM_CREDENTIALS.ccvPublicKey, secret: SIM_CREDENTIALS.ccvSecret },
  });
  Object.assign(byId(EXAMPLE_IDS.snelstartConfig), {
    name: "SnelStart simulator",
    apiUrl: `${opts.snelstartUrl}/v2`,
    tokenUrl: `${opts.snelstartUrl}/b2b/token`,
    credentials: { subscriptionKey: SIM_CREDENTIALS.subscriptionKey, koppelsleutel: SIM_CREDENTIALS.koppelsleutel },
  });
  const l = (n: number) => simLedgerId(n);
  Object.assign(byId(EXAMPLE_IDS.mapping), {
    ledgerHoog: l(8000),
    ledgerLaag: l(8010),
    ledgerOverig: l(8020),
    ledgerGeen: l(8030),
    ledgerShipping: l(8200),
    ledgerPayment: l(8210),
    ledgerExtra: l(8210),
    euConsumers: "oss",
    ledgerOssSR: l(8400),
    ledgerOssRRH: l(8401),
    ledgerOssRRL: l(8402),
    ledgerOssPR: l(8403),
    ledgerOssSRR: l(8404),
    ledgerIcp: l(8100),
    ledgerExport: l(8110),
    groupHoog: simOmzetgroepId(1),
    groupLaag: simOmzetgroepId(2),
    groupGeen: simOmzetgroepId(3),
  });
  Object.assign(byId(EXAMPLE_IDS.email), { server: "127.0.0.1", port: String(opts.smtpPort), authtype: "NONE", secure: false, tls: false });
  // CCV Shop (the simulator) reaches this Node-RED on loopback: the address the webhooks are registered for.
  Object.assign(byId(EXAMPLE_IDS.ordersIn), { publicUrl: opts.nodeRedUrl });
  const report = byId(EXAMPLE_IDS.report) as FlowNode & { wires: string[][]; z: string };
  report.wires[0].push(PROBE_ID);
  flow.push({ id: PROBE_ID, type: "http request", z: report.z, name: "summary to the demo", method: "POST", ret: "txt", paytoqs: "ignore", url: opts.probeUrl, tls: "", persist: false, proxy: "", insecureHTTPParser: false, authType: "", senderr: false, headers: [], x: 1390, y: 120, wires: [[]] });
  return flow;
}

async function startSmtp(mails: Mail[]): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const [head, ...body] = raw.split(/\r?\n\r?\n/);
        const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1].replace(/\r?\n[ \t]/g, " ") ?? "";
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: decodeMime(subject), text: body.join("\n\n") });
        callback();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", () => r()));
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Decodes RFC 2047 encoded-words (`=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=`), as mail clients show subjects. */
function decodeMime(text: string): string {
  return text.replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toLowerCase() === "b"
      ? Buffer.from(data, "base64").toString("utf8")
      : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9a-f]{2})/gi, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1").toString("utf8"),
  );
}

export async function startKoppeling(opts: KoppelingOptions = {}): Promise<KoppelingRuntime> {
  const cleanups: Array<() => Promise<void> | void> = [];
  // Each cleanup runs once, also when stop() is called again.
  const stop = async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  };
  try {
    const seed = opts.seed ?? 1;
    const rateLimits = opts.rateLimits ?? "real";
    const ccv = await startCcvSim({ port: opts.ccvPort ?? 0, orders: opts.orders ?? 50, seed, rateLimits, ordersPerDay: opts.ordersPerDay, historyEnd: opts.historyEnd });
    cleanups.push(() => ccv.close());
    const snelstart = await startSnelStartSim({ port: opts.snelstartPort ?? 0, seed, rateLimits });
    cleanups.push(() => snelstart.close());
    const mails: Mail[] = [];
    const smtp = await startSmtp(mails);
    cleanups.push(() => smtp.close());

    const summaries: RunSummary[] = [];
    const waiters: Array<() => void> = [];
    const probe: Listening = await listen(async (req, res) => {
      summaries.push(JSON.parse(await readBody(req)) as RunSummary);
      res.writeHead(204).end();
      waiters.splice(0).forEach((w) => w());
    });
    cleanups.push(() => probe.close());

    const userDir = opts.userDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "koppeling-node-red-"));
    fs.mkdirSync(userDir, { recursive: true });
    if (!opts.userDir) cleanups.push(() => fs.rmSync(userDir, { recursive: true, force: true }));
    const port = opts.port || (await freePort());
    const users = opts.adminAuth ?? [];
    const adminUser = users.find((u) => u.permissions === "*");
    if (users.length && !adminUser) throw new Error('adminAuth needs a user with "*" permission for the runtime\'s own admin calls');
    fs.writeFileSync(path.join(userDir, "settings.js"), settingsJs(port, rateLimits, users, opts.lang));
    fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "koppeling-user-dir", private: true }, null, 2));
    installPackage(userDir);
    installEmailNode(userDir);

    // A fresh token per start: no webhook secret is written into the repository.
    const token = opts.webhookToken ?? randomBytes(24).toString("hex");
    const nodeRedDir = opts.nodeRedDir ?? path.dirname(require.resolve("node-red/package.json"));
    // One log for every Node-RED process of this runtime (restarts append to it).
    const log = fs.createWriteStream(path.join(userDir, "node-red.log"));
    cleanups.push(() => new Promise<void>((r) => log.end(() => r())));
    /** The Node-RED process of now; `exited` resolves when it is gone. */
    let nodeRed: { child: ChildProcess; exited: Promise<void>; started: Promise<void> } | null = null;
    /** Processes being ended on purpose (kill, restart, stop), and the last exit nobody asked for. */
    const ending = new WeakSet<ChildProcess>();
    let unexpectedExit: string | null = null;
    const spawnNodeRed = () => {
      const child: ChildProcess = spawn(opts.nodeBinary ?? process.execPath, [...(opts.nodeArgs ?? []), path.join(nodeRedDir, "red.js"), "-u", userDir, "-s", path.join(userDir, "settings.js")], {
        env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules"), CCV_WEBHOOK_TOKEN: token, NODE_RED_ENABLE_PROJECTS: "false" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const exited = new Promise<void>((r) =>
        child.once("exit", (code, signal) => {
          if (!log.writableEnded) log.write(`\n--- Node-RED exited (code ${code}, signal ${signal}) ---\n`);
          // An exit this runtime did not ask for: waiting for a summary is pointless.
          if (!ending.has(child)) unexpectedExit = `Node-RED exited by itself (code ${code}, signal ${signal}); see ${path.join(userDir, "node-red.log")}`;
          r();
        }),
      );
      // Node-RED starts the flows after its admin API answers: "Started flows" says they run.
      let flowsStarted: () => void = () => undefined;
      const started = new Promise<void>((r) => (flowsStarted = r));
      for (const stream of [child.stdout, child.stderr]) {
        let buf = "";
        stream?.on("data", (c: Buffer) => {
          log.write(c);
          buf += c.toString("utf8");
          const lines = buf.split("\n");
          buf = lines.pop() ?? "";
          for (const line of lines) {
            if (line.includes("Started flows")) flowsStarted();
            opts.onLog?.(line);
          }
        });
      }
      nodeRed = { child, exited, started };
      return nodeRed;
    };
    /** Ends the Node-RED of now: SIGINT (a clean stop) or SIGKILL (a crash). */
    const endNodeRed = async (signal: "SIGINT" | "SIGKILL") => {
      const current = nodeRed;
      if (!current) return;
      if (current.child.exitCode === null && current.child.signalCode === null) {
        ending.add(current.child);
        current.child.kill(signal);
        // A clean stop that hangs is cut short after 10 s.
        const hard = signal === "SIGKILL" ? undefined : setTimeout(() => current.child.kill("SIGKILL"), 10_000);
        await current.exited;
        clearTimeout(hard);
      }
      if (nodeRed === current) nodeRed = null;
    };
    cleanups.push(() => endNodeRed("SIGINT"));
    let child = spawnNodeRed().child;

    const url = `http://127.0.0.1:${port}`;
    const login = async (username: string, password: string, scope = "") => {
      const form = new URLSearchParams({ client_id: "node-red-admin", grant_type: "password", scope, username, password });
      const r = await fetch(`${url}/auth/token`, { method: "POST", headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
      const text = await r.text();
      if (!r.ok) throw new Error(`login as ${username}: HTTP ${r.status}`);
      const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
      if (typeof token !== "string" || token === "") throw new Error(`login as ${username}: no access token`);
      return token;
    };
    // The runtime's own admin calls: as the "*" user when adminAuth is on (logged in on first use).
    let bearer: string | null = null;
    const authHeaders = async (): Promise<Record<string, string>> => {
      if (!adminUser) return {};
      bearer ??= await login(adminUser.username, adminUser.password, "*");
      return { Authorization: `Bearer ${bearer}` };
    };
    const admin = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
      const r = await fetch(url + p, {
        method,
        headers: { Accept: "application/json", "Content-Type": "application/json", ...(await authHeaders()), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
      return (r.headers.get("content-type") ?? "").includes("json") ? (JSON.parse(text) as unknown) : text;
    };
    await waitForModule(url, child, userDir, authHeaders);
    const restart = async () => {
      await endNodeRed("SIGKILL");
      log.write(`\n--- Node-RED restarted on the same user directory (${new Date().toISOString()}) ---\n`);
      unexpectedExit = null;
      const next = spawnNodeRed();
      child = next.child;
      bearer = null;
      await waitForModule(url, child, userDir, authHeaders);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        next.started.then(() => "started" as const),
        next.exited.then(() => "exited" as const),
        new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), 60_000))),
      ]);
      clearTimeout(timer);
      if (outcome !== "started") throw new Error(`Node-RED ${outcome === "exited" ? "exited" : "did not start its flows within 60 s"} after a restart; see ${path.join(userDir, "node-red.log")}`);
    };

    if (opts.deploy !== false) {
      const flow = demoFlow({ ccvUrl: ccv.url, snelstartUrl: snelstart.url, smtpPort: smtp.port, probeUrl: `${probe.url}/summary`, nodeRedUrl: url });
      opts.editFlow?.(flow);
      await opts.beforeDeploy?.({ ccv, snelstart });
      await admin("POST", "/flows", { flows: flow }, { "Node-RED-API-Version": "v2", "Node-RED-Deployment-Type": "full" });
    }

    const waitForSummary = async (count: number, timeoutMs = 120_000) => {
      const deadline = Date.now() + timeoutMs;
      while (summaries.length < count) {
        if (unexpectedExit) throw new Error(`no run summary #${count}: ${unexpectedExit}`);
        if (Date.now() > deadline) throw new Error(`no run summary #${count} within ${timeoutMs} ms (see ${path.join(userDir, "node-red.log")})`);
        await Promise.race([new Promise<void>((r) => waiters.push(r)), sleep(250)]);
      }
      return summaries[count - 1];
    };
    const alive = () => nodeRed !== null && child.exitCode === null && child.signalCode === null;
    const inject = async (id: string) => {
      // Right after a deploy Node-RED may not know the node yet (404): pressed again shortly.
      for (let i = 0; ; i++) {
        try {
          await admin("POST", `/inject/${id}`);
          return;
        } catch (err) {
          if (i >= 40 || !/: 404 /.test((err as Error).message)) throw err;
          await sleep(250);
        }
      }
    };
    return {
      url,
      userDir,
      ccv,
      snelstart,
      webhookUrl: `${url}/ccv-snelstart/webhook/${token}`,
      summaries,
      mails,
      waitForSummary,
      inject,
      run: async (timeoutMs = 120_000, opts: { full?: boolean } = {}) => {
        // Webhook runs report too; wait for the next summary of a scheduled run.
        const seen = summaries.length;
        await inject(opts.full ? EXAMPLE_IDS.fullSync : EXAMPLE_IDS.inject);
        const deadline = Date.now() + timeoutMs;
        for (let i = seen; ; i++) {
          const s = await waitForSummary(i + 1, Math.max(1, deadline - Date.now()));
          if (s.trigger === "schedule") return s;
        }
      },
      adminGet: (p: string) => admin("GET", p),
      login,
      kill: () => endNodeRed("SIGKILL"),
      restart,
      get running() {
        return alive();
      },
      get pid() {
        return alive() ? (child.pid ?? null) : null;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Waits until Node-RED lists this package's node sets, all enabled and loaded without error
 * (`headers` logs in when adminAuth is on; it fails, and is tried again, until Node-RED listens).
 */
async function waitForModule(url: string, child: ChildProcess, userDir: string, headers: () => Promise<Record<string, string>>): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited (${child.exitCode}); see ${path.join(userDir, "node-red.log")}`);
    try {
      const r = await fetch(`${url}/nodes/${PACKAGE_NAME}`, { headers: { Accept: "application/json", ...(await headers()) } });
      if (r.ok) {
        const info = (await r.json()) as { nodes: Array<{ name: string; enabled: boolean; err?: string }> };
        const broken = info.nodes.filter((n) => !n.enabled || n.err);
        if (broken.length) throw new Error(`node sets that did not load: ${broken.map((n) => `${n.name}: ${n.err ?? "disabled"}`).join("; ")}`);
        return;
      }
      last = `HTTP ${r.status}`;
    } catch (err) {
      if ((err as Error).message.startsWith("node sets")) throw err;
      last = (err as Error).message;
    }
    await sleep(200);
  }
  throw new Error(`Node-RED did not list ${PACKAGE_NAME} within 60 s (${last}); see ${path.join(userDir, "node-red.log")}`);
}
