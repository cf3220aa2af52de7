/**
 * Everything the simulator stores, readable in-process by tests (`sim.state`) and over the
 * control API. Stored entities keep what the write model said plus the server-side fields;
 * `render*` functions turn them into the API's read models.
 */
import { FaultQueue, RequestCounter, seededRandom } from "../http";
import type { BtwSoort } from "../../src/snelstart/schemas";
import { simSeedRelatieId } from "./data";
import type { AdminLimits } from "./limits";

export interface StoredAdres {
  contactpersoon: string | null;
  straat: string | null;
  postcode: string | null;
  plaats: string | null;
  landId: string | null;
}

export interface StoredRelatie {
  id: string;
  relatiecode: number;
  relatiesoort: string[];
  naam: string;
  email: string | null;
  btwNummer: string | null;
  vestigingsAdres: StoredAdres | null;
  krediettermijn: number | null;
  nonactief: boolean;
  modifiedOn: string;
  /** Read-only in the API (written through `/relaties/{id}/customFields`, not modelled); tests set it in-process. */
  extraVeldenKlant: Array<{ naam: string; waarde: string }>;
  /** The other write-model fields, as sent. */
  extra: Record<string, unknown>;
}

export interface StoredBoekingRegel {
  omschrijving: string | null;
  grootboekId: string;
  bedrag: number;
  btwSoort: BtwSoort;
  kostenplaatsId: string | null;
}

export interface StoredBoeking {
  id: string;
  /** The id of its verkoopfactuur (every booking appears in /verkoopfacturen). */
  factuurId: string;
  factuurnummer: string;
  /** `yyyy-MM-dd`. */
  factuurdatum: string;
  klantId: string;
  omschrijving: string | null;
  boekstuk: string | null;
  betalingstermijn: number | null;
  factuurbedrag: number;
  boekingsregels: StoredBoekingRegel[];
  btw: Array<{ btwSoort: string; btwBedrag: number }>;
  modifiedOn: string;
}

export interface StoredArtikel {
  id: string;
  artikelcode: string;
  omschrijving: string;
  omzetgroepId: string;
  verkoopprijs: number | null;
  modifiedOn: string;
  extra: Record<string, unknown>;
}

export interface StoredOrderRegel {
  artikelId: string;
  omschrijving: string;
  stuksprijs: number;
  aantal: number;
  kortingsPercentage: number;
  totaal: number;
}

export interface StoredOrder {
  id: string;
  nummer: number;
  relatieId: string;
  datum: string;
  procesStatus: string;
  verkoopOrderStatus: string;
  verkooporderBtwIngaveModel: "Inclusief" | "Exclusief";
  orderreferentie: string | null;
  omschrijving: string | null;
  afleveradres: StoredAdres | null;
  factuuradres: StoredAdres | null;
  regels: StoredOrderRegel[];
  totaalExclusiefBtw: number;
  totaalInclusiefBtw: number;
  modifiedOn: string;
  extra: Record<string, unknown>;
}

export interface IssuedToken {
  koppelsleutel: string;
  expiresAt: number;
}

export interface SimStateOptions {
  seed: number;
  ossEnabled: boolean;
  now: () => number;
  limits: AdminLimits;
}

export class SimState {
  readonly relaties = new Map<string, StoredRelatie>();
  readonly verkoopboekingen = new Map<string, StoredBoeking>();
  readonly verkooporders = new Map<string, StoredOrder>();
  readonly artikelen = new Map<string, StoredArtikel>();
  readonly tokens = new Map<string, IssuedToken>();
  readonly requests = new RequestCounter();
  readonly faults = new FaultQueue();
  /** The administration's `factureerBuitenlandsBtw` (OSS) setting. */
  ossEnabled: boolean;
  /**
   * Whether a verkoopboeking's factuurnummer must be new (`BOE-0021`). Off only to prove that the
   * koppeling books exactly once without that check (the chaos run, tests).
   */
  uniqueFactuurnummer = true;
  /** How many requests the rate limiter answered with 429. */
  rateLimited = 0;
  tokensIssued = 0;
  readonly limits: AdminLimits;
  readonly now: () => number;
  private random: () => number;

  constructor(private readonly options: SimStateOptions) {
    this.now = options.now;
    this.limits = options.limits;
    this.ossEnabled = options.ossEnabled;
    this.random = seededRandom(options.seed);
    this.seed();
  }

  /** Back to the initial state: seeded relaties only, counters and faults cleared, tokens revoked. */
  reset(): void {
    for (const m of [this.relaties, this.verkoopboekingen, this.verkooporders, this.artikelen, this.tokens]) m.clear();
    this.requests.reset();
    this.faults.clear();
    this.ossEnabled = this.options.ossEnabled;
    this.uniqueFactuurnummer = true;
    this.rateLimited = 0;
    this.tokensIssued = 0;
    this.limits.reset();
    this.random = seededRandom(this.options.seed);
    this.seed();
  }

  /** A v4-shaped GUID from the seeded generator: the same seed gives the same ids in the same order. */
  newId(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.random() * 16).toString(16));
    hex[12] = "4";
    hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    const s = hex.join("");
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** Highest number of requests of one administration in flight at once (delays included). */
  get maxInFlight(): number {
    return this.limits.maxInFlight;
  }

  nextRelatiecode(): number {
    let max = 0;
    for (const r of this.relaties.values()) max = Math.max(max, r.relatiecode);
    return max + 1;
  }

  findBoeking(factuurnummer: string): StoredBoeking | undefined {
    return [...this.verkoopboekingen.values()].find((b) => b.factuurnummer === factuurnummer);
  }

  private seed(): void {
    const base = { email: null, btwNummer: null, vestigingsAdres: null, krediettermijn: null, nonactief: false, modifiedOn: "2024-01-01T00:00:00", extraVeldenKlant: [], extra: {} };
    // The own company (relatiesoort Eigen) and a supplier: neither may be booked on as a klant.
    this.relaties.set(simSeedRelatieId(1), { ...base, id: simSeedRelatieId(1), relatiecode: 1, relatiesoort: ["Eigen"], naam: "Demo Webwinkel B.V." });
    this.relaties.set(simSeedRelatieId(2), { ...base, id: simSeedRelatieId(2), relatiecode: 2, relatiesoort: ["Leverancier"], naam: "Groothandel Jansen B.V." });
  }
}

/** The relatiecode of the seeded supplier (a relatie that is not a Klant). */
export const SEED_LEVERANCIER_CODE = 2;
