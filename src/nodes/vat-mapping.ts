/**
 * `vat-mapping`: the koppeling's ledger and VAT mapping (domain `Mapping`), edited as a form
 * whose ledger fields are filled from the live administration. At run time the chosen ledger
 * ids are completed with what SnelStart says of them (number, name, allowed VAT codes, function),
 * so the domain can refuse a line its ledger would refuse (BOE-0082) before anything is posted.
 * The form's fields: ../koppeling/mapping-form.ts; completing them: ../controllers/administration.ts.
 */
import type { Node, NodeAPI, NodeDef } from "node-red";
import { checkMapping, mappingForCustomer, resolveMapping } from "../controllers/administration";
import { KoppelingError } from "../errors";
import type { ArticleGroups } from "../koppeling/document";
import type { Mapping, MappingContext } from "../koppeling/mapping";
import type { CustomerCountries, VatMappingFields } from "../koppeling/mapping-form";
import { adminRoute } from "./admin";
import { rateLimitSetting } from "./rate-limits";
import { registerVersioned } from "./shared";
import { SNELSTART_TARGET, type SnelStartConfigNode, targetSnelStartClient } from "./snelstart-config";

export interface VatMappingDef extends NodeDef, VatMappingFields {
  snelstart: string;
}

export interface VatMappingNode extends Node {
  snelstart: SnelStartConfigNode | null;
  /** The mapping, its ledgers completed from the administration. */
  resolve(): Promise<{ mapping: Mapping; articleGroups: ArticleGroups }>;
  /** The mapping and what the domain needs from SnelStart to map an order of this customer: rate tables, OSS switch. */
  forCustomer(customer: CustomerCountries | null | undefined): Promise<{ mapping: Mapping; articleGroups: ArticleGroups; context: MappingContext }>;
}

export default function (RED: NodeAPI): void {
  const rateLimits = rateLimitSetting(RED);

  function VatMapping(this: VatMappingNode, def: VatMappingDef): void {
    RED.nodes.createNode(this, def);
    this.snelstart = (RED.nodes.getNode(def.snelstart) as SnelStartConfigNode | null) ?? null;
    const admin = () => {
      if (!this.snelstart) throw new KoppelingError("MAPPING_INVALID", "The VAT mapping has no SnelStart administration selected");
      return this.snelstart;
    };
    this.resolve = async () => resolveMapping(def, admin());
    this.forCustomer = async (customer) => mappingForCustomer(def, admin(), customer);
  }

  registerVersioned(RED, "vat-mapping", VatMapping);

  /** The problems of the mapping in the form, against the live chart of accounts of the administration posted along. */
  adminRoute(RED, {
    ...SNELSTART_TARGET,
    path: "/ccv-snelstart/mapping/validate",
    permission: "vat-mapping.read",
    targetOf: (posted) => (posted.snelstart && typeof posted.snelstart === "object" ? (posted.snelstart as Record<string, unknown>) : {}),
    work: async (t, posted) => checkMapping(targetSnelStartClient(t, rateLimits), (posted.mapping && typeof posted.mapping === "object" ? posted.mapping : {}) as VatMappingFields),
  });
}
