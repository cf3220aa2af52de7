/**
 * The control API under `/__sim/` (no auth): read what is stored, request counts and stats;
 * inject faults; reset; switch OSS; expire tokens; change a booking's amount as a person would by
 * hand in SnelStart (a data edit: nothing is recomputed or checked against its lines).
 */
import { z } from "zod";
import { Router, type SimResponse } from "../http";
import { renderArtikel } from "./artikelen";
import { expireTokens } from "./auth";
import { naiveDateTime } from "./bodies";
import { renderBoeking, renderFactuur } from "./boekingen";
import { renderRelatie } from "./relaties";
import type { SimState } from "./state";
import { renderOrder } from "./verkooporders";

const faultBody = z
  .strictObject({
    kind: z.enum(["status", "delay", "reset", "drop-response"]),
    status: z.number().int().min(100).max(599).optional(),
    ms: z.number().int().min(0).optional(),
    method: z.string().optional(),
    path: z.string().optional(),
    count: z.number().int().min(1).optional(),
  })
  .refine((f) => f.kind !== "status" || f.status !== undefined, "a status fault needs `status`")
  .refine((f) => f.kind !== "delay" || f.ms !== undefined, "a delay fault needs `ms`");

function json(body: unknown, status = 200): SimResponse {
  return { status, body };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function controlRouter(state: SimState): Router {
  const r = new Router();
  r.on("GET", "/__sim/verkoopboekingen", () => json([...state.verkoopboekingen.values()].map(renderBoeking)));
  r.on("PATCH", "/__sim/verkoopboekingen/:id", (req) => {
    const b = z.strictObject({ factuurbedrag: z.number().finite() }).safeParse(parseJson(req.body));
    if (!b.success) return json({ error: "body must be {\"factuurbedrag\": number}" }, 400);
    const boeking = state.verkoopboekingen.get(req.params.id);
    if (!boeking) return json({ error: `no verkoopboeking ${req.params.id}` }, 404);
    boeking.factuurbedrag = b.data.factuurbedrag;
    boeking.modifiedOn = naiveDateTime(state.now());
    return json(renderBoeking(boeking));
  });
  r.on("GET", "/__sim/verkoopfacturen", () => json([...state.verkoopboekingen.values()].map((b) => renderFactuur(state, b))));
  r.on("GET", "/__sim/relaties", () => json([...state.relaties.values()].map(renderRelatie)));
  r.on("GET", "/__sim/verkooporders", () => json([...state.verkooporders.values()].map(renderOrder)));
  r.on("GET", "/__sim/artikelen", () => json([...state.artikelen.values()].map(renderArtikel)));
  r.on("GET", "/__sim/requests", () => json(state.requests.toJSON()));
  r.on("GET", "/__sim/stats", () =>
    json({ inFlight: state.limits.inFlight, maxInFlight: state.maxInFlight, rateLimited: state.rateLimited, tokensIssued: state.tokensIssued, pendingFaults: state.faults.pending, ossEnabled: state.ossEnabled }),
  );
  r.on("POST", "/__sim/faults", (req) => {
    const f = faultBody.safeParse(parseJson(req.body));
    if (!f.success) return json({ error: f.error.issues.map((i) => i.message).join("; ") }, 400);
    state.faults.add(f.data);
    return json({ pending: state.faults.pending }, 201);
  });
  r.on("DELETE", "/__sim/faults", () => {
    state.faults.clear();
    return { status: 204 };
  });
  r.on("POST", "/__sim/reset", () => {
    state.reset();
    return { status: 204 };
  });
  r.on("PUT", "/__sim/oss", (req) => {
    const b = z.object({ enabled: z.boolean() }).safeParse(parseJson(req.body));
    if (!b.success) return json({ error: "body must be {\"enabled\": boolean}" }, 400);
    state.ossEnabled = b.data.enabled;
    return json({ enabled: state.ossEnabled });
  });
  r.on("PUT", "/__sim/unique-check", (req) => {
    const b = z.object({ enabled: z.boolean() }).safeParse(parseJson(req.body));
    if (!b.success) return json({ error: "body must be {\"enabled\": boolean}" }, 400);
    state.uniqueFactuurnummer = b.data.enabled;
    return json({ enabled: state.uniqueFactuurnummer });
  });
  r.on("POST", "/__sim/expire-tokens", () => json({ expired: expireTokens(state) }));
  return r;
}
