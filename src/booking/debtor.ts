/**
 * Finding or creating a booking's customer in SnelStart (snelstart-debtor), behind a port of
 * two calls of the SnelStart client. The matching itself is pure (../koppeling/debtor.ts).
 *
 * A customer is found by e-mail in any case (unless matching on e-mail is off, for shops whose
 * customers share an address) and country — and for a business customer with a VAT number, by
 * that VAT number — else created as a Klant (its e-mail address in lower case). Lookups are
 * cached within a run, and messages with the same customer share one lookup while it is in
 * progress (also across runs: webhooks for one order arrive together), so a customer is never
 * created twice.
 *
 * A business customer's VAT number goes on the relatie; if SnelStart refuses it (REL-0087/0088,
 * and the other codes the error catalogue marks `refusesVatNumber`) the relatie is created without it (or, when the
 * customer already has a relatie without one, a later order of theirs goes to that), a warning
 * says so, and the verdict `hasVatNumber: false` lets vat-mapper book the order without ICP.
 *
 * Where no lookup can find the customer again (matching on e-mail off, no address), the id of
 * the relatie created for a document is kept in the shop's ledger (`DocumentRelaties`), and the
 * document's retries read it back and use it while it fits, rather than create one per attempt.
 */
import { refusesVatNumber } from "../error-codes";
import { KoppelingError } from "../errors";
import type { BookingCustomer } from "../koppeling/customer";
import { isHttpError } from "../http/errors";
import { debtorKey, emailKey, findable, landIdOf, pickRelatie, refit, relatieFor, vatKey, withVatNumber } from "../koppeling/debtor";
import type { DocumentRelatie } from "../koppeling/sync-ledger";
import type { Land, Relatie, RelatieCreate } from "../snelstart/schemas";

/** What finding a debtor needs of SnelStart (the SnelStart client has both). */
export interface RelatiePort {
  findRelatiesByEmail(email: string): Promise<Relatie[]>;
  getRelatie(id: string): Promise<Relatie>;
  createRelatie(body: RelatieCreate): Promise<Relatie>;
}

/**
 * The relatie a document got on an earlier attempt, as the shop's ledger keeps it. Used when no
 * lookup finds the customer (matching on e-mail off, no address), so a document that failed after
 * its relatie was created does not get another on every retry. `keep` is durable before it resolves.
 */
export interface DocumentRelaties {
  get(): Promise<DocumentRelatie | null>;
  keep(r: DocumentRelatie): Promise<void>;
}

export interface Debtor {
  relatieId: string;
  created: boolean;
  /** Whether the relatie carries a VAT number (ICP needs one). */
  hasVatNumber: boolean;
  warnings: string[];
}


/** Relaties with this e-mail in any case: as the shop gives it and in lower case (the form the koppeling stores). */
async function relatiesByEmail(port: RelatiePort, email: string): Promise<Relatie[]> {
  const lists = await Promise.all([...new Set([email.trim(), emailKey(email)])].map((e) => port.findRelatiesByEmail(e)));
  const byId = new Map<string, Relatie>();
  for (const r of lists.flat()) byId.set(r.id, r);
  return [...byId.values()];
}

/** Finds the customer's relatie, or creates it (without the VAT number when SnelStart refuses that). */
export async function findOrCreate(port: RelatiePort, landen: readonly Land[], c: BookingCustomer, opts: { matchOnEmail: boolean; oss: boolean }): Promise<Debtor> {
  const withVat = withVatNumber(c);
  const warnings: string[] = [];
  /** With a VAT number that SnelStart may refuse: this customer's relatie without one, if any. */
  let withoutVat: Relatie | null = null;
  if (opts.matchOnEmail && c.email) {
    const landId = landIdOf(landen, c.country);
    const found = await relatiesByEmail(port, c.email);
    const hit = pickRelatie(found, landId, opts.oss, withVat ? c.vatNumber : null);
    if (hit) return { relatieId: hit.id, created: false, hasVatNumber: !!hit.btwNummer, warnings: [] };
    const sameEmail = withVat ? pickRelatie(found, landId, opts.oss, null) : null;
    withoutVat = withVat ? pickRelatie(found.filter((r) => !vatKey(r.btwNummer)), landId, opts.oss, null) : null;
    if (sameEmail) {
      warnings.push(
        `SnelStart relatie ${sameEmail.relatiecode ?? sameEmail.id} has the e-mail address of ${c.name} but ${sameEmail.btwNummer ? `VAT number ${sameEmail.btwNummer}` : "no VAT number"}, not ${c.vatNumber}: a relatie with this order's VAT number is created.`,
      );
    }
  }
  // Stored in lower case, so a later order with the address in another case finds it.
  const customer = c.email ? { ...c, email: emailKey(c.email) } : c;
  try {
    const r = await port.createRelatie(relatieFor(customer, landen, withVat));
    return { relatieId: r.id, created: true, hasVatNumber: withVat, warnings };
  } catch (err) {
    if (!withVat || !(err instanceof KoppelingError) || !refusesVatNumber(err.code)) throw err;
    const refused = `SnelStart refused VAT number ${c.vatNumber} of ${c.name} (${err.code}: ${err.message})`;
    // Refused again: the relatie an earlier order of this customer got without it is theirs (not a new one per order).
    if (withoutVat) return { relatieId: withoutVat.id, created: false, hasVatNumber: false, warnings: [`${refused}; the order goes to their relatie ${withoutVat.relatiecode ?? withoutVat.id}, which has none, and is booked without ICP.`] };
    const r = await port.createRelatie(relatieFor(customer, landen, false));
    warnings.push(`${refused}; the relatie was created without it and the order is booked without ICP.`);
    return { relatieId: r.id, created: true, hasVatNumber: false, warnings };
  }
}

/** How many runs' lookups are kept (the current run and the few before it that may still be finishing). */
const RUNS_KEPT = 4;

/**
 * The debtors of one snelstart-debtor node: lookups cached per run and shared while in progress,
 * so one customer is looked up (or created) once. `close` waits for the lookups in progress.
 */
export class DebtorFinder {
  /** Per run id: customer key → lookup (the promise, so concurrent messages share it). */
  private readonly runs = new Map<string, Map<string, Promise<Debtor>>>();
  /** Lookups in progress, whatever their run: two runs at once never create one customer twice. */
  private readonly inFlight = new Map<string, Promise<Debtor>>();
  /** Lookup results already reported as "created" (to one message only). */
  private readonly counted = new WeakSet<Debtor>();
  private closing = false;

  constructor(
    /** The port and SnelStart's country list, when a lookup starts. */
    private readonly connect: () => Promise<{ port: RelatiePort; landen: readonly Land[] }>,
    private readonly matchOnEmail: boolean,
  ) {}

  /** The debtor for one message: `created` only for the first of the messages that shared the lookup that created it. */
  async find(c: BookingCustomer, oss: boolean, ids: { runId: string; msgId: string }, relaties?: DocumentRelaties): Promise<Debtor> {
    if (this.closing) throw new KoppelingError("FLOW_STOPPED", "The flow is being stopped (redeploy or shutdown): the debtor is looked up by the next run");
    const key = debtorKey(c, oss, this.matchOnEmail, ids.msgId);
    if (findable(key) || !relaties) return this.lookup(key, c, oss, ids.runId);
    const earlier = await relaties.get();
    const kept = earlier ? await this.reuse(earlier.id, c, oss) : null;
    if (kept) return kept;
    const r = await this.lookup(key, c, oss, ids.runId);
    // Durable before the message goes on: a crash after this finds it on the next attempt.
    if (r.created) await relaties.keep({ id: r.relatieId });
    return r;
  }

  /** The relatie an earlier attempt created for the document, read back from SnelStart, if it is there and still fits. */
  private async reuse(id: string, c: BookingCustomer, oss: boolean): Promise<Debtor | null> {
    const { port, landen } = await this.connect();
    const r = await port.getRelatie(id).catch((err: unknown) => {
      if (isHttpError(err) && err.status === 404) return null;
      throw err;
    });
    const fit = r ? refit(r, landIdOf(landen, c.country), c, oss) : null;
    if (!r || !fit) return null;
    const warnings = withVatNumber(c) && !fit.hasVatNumber ? [`SnelStart relatie ${r.relatiecode ?? r.id}, created for this order on an earlier attempt, has no VAT number, not ${c.vatNumber}: the order is booked without ICP (correct the relatie in SnelStart).`] : [];
    return { relatieId: r.id, created: false, hasVatNumber: fit.hasVatNumber, warnings };
  }

  /** One lookup per customer key, shared within the run and while in progress. */
  private async lookup(key: string, c: BookingCustomer, oss: boolean, runId: string): Promise<Debtor> {
    if (!this.runs.has(runId)) {
      if (this.runs.size >= RUNS_KEPT) this.runs.delete(this.runs.keys().next().value as string);
      this.runs.set(runId, new Map());
    }
    const cache = this.runs.get(runId) as Map<string, Promise<Debtor>>;
    let lookup = cache.get(key) ?? this.inFlight.get(key);
    if (!lookup) {
      // Registered before anything is awaited, so a message arriving meanwhile finds it.
      const started = this.connect().then(({ port, landen }) => findOrCreate(port, landen, c, { matchOnEmail: this.matchOnEmail, oss }));
      this.inFlight.set(key, started);
      const settled = () => this.inFlight.get(key) === started && this.inFlight.delete(key);
      started.then(settled, settled);
      lookup = started;
    }
    // A customer no lookup can find again (`new:<msg id>`) is no other message's: not kept for the run.
    if (findable(key) && !cache.has(key)) {
      const shared = lookup;
      cache.set(key, shared);
      shared.catch(() => cache.get(key) === shared && cache.delete(key));
    }
    const r = await lookup;
    // Messages sharing one lookup: the first of them created the relatie, the others found it.
    const createdHere = r.created && !this.counted.has(r);
    this.counted.add(r);
    return { ...r, created: createdHere };
  }

  /** Takes no new lookups, lets those in progress finish (a relatie being created is created), then forgets them all. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([...this.inFlight.values()]);
    this.runs.clear();
    this.inFlight.clear();
  }
}
