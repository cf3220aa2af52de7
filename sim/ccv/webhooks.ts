/**
 * Webhooks (docs/reference/ccvshop-api.md#webhooks): registrations and fire-and-forget delivery of
 * order events. The payload follows the verbatim samples of
 * docs/reference/ccvshop-api.md#webhook-payload; `orders.created` carries the same envelope without
 * status/paid fields (its exact content is UNCERTAIN). Each delivery is signed with header `x-hash`
 * = HMAC-SHA512(webhook key, `address|body`) (UNCERTAIN,
 * docs/reference/ccvshop-api.md#webhook-signature). Delivery errors are logged, never thrown; there
 * are no retries (CCV's retry policy is UNCERTAIN).
 */
import { randomBytes } from "node:crypto";
import { ccvWebhookHash, formatCcvDate } from "../../src/ccv/signing";
import { BadInput } from "./responses";
import type { SimOrder } from "./types";

/** Events that exist in public code (docs/reference/ccvshop-api.md#webhook-events); the simulator fires the three `orders.*` ones it models. */
export const KNOWN_EVENTS = [
  "orders.created",
  "orders.updated.ispaid",
  "orders.updated.status",
  "orders.updated.trackandtrace",
  "orders.deleted",
  "invoices.updated.status",
  "products.created",
  "products.updated",
  "products.deleted",
] as const;
export type OrderEvent = "orders.created" | "orders.updated.ispaid" | "orders.updated.status";

export interface SimWebhook {
  href: string;
  id: number;
  createdate: string;
  event: string;
  address: string;
  key: string;
  is_active: boolean;
}

export interface WebhookDelivery {
  webhookId: number;
  event: string;
  address: string;
  body: string;
  hash: string;
  /** HTTP status of the receiver; null when the delivery failed. */
  status: number | null;
  error: string | null;
  at: string;
}

const DELIVERY_TIMEOUT_MS = 5_000;

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Validates a POST body `{event, address, is_active}`; unknown fields are refused (stricter). */
export function parseWebhookInput(body: unknown): { event: string; address: string; is_active: boolean } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new BadInput("body must be a JSON object");
  const b = body as Record<string, unknown>;
  const extra = Object.keys(b).filter((k) => !["event", "address", "is_active"].includes(k));
  if (extra.length) throw new BadInput(`unknown field(s): ${extra.join(", ")}`);
  if (typeof b.event !== "string" || !(KNOWN_EVENTS as readonly string[]).includes(b.event)) throw new BadInput(`event must be one of ${KNOWN_EVENTS.join(", ")}`);
  if (typeof b.address !== "string" || !isHttpUrl(b.address)) throw new BadInput("address must be an http(s) URL");
  if (b.is_active !== undefined && typeof b.is_active !== "boolean") throw new BadInput("is_active must be a boolean");
  return { event: b.event, address: b.address, is_active: b.is_active ?? true };
}

/** The body of `PATCH webhooks/{id}/`: `address` and/or `is_active`, nothing else (docs/reference/ccvshop-api.md#webhook-management). */
export function parseWebhookPatch(b: Record<string, unknown>): { address?: string; is_active?: boolean } {
  const extra = Object.keys(b).filter((k) => !["address", "is_active"].includes(k));
  if (extra.length) throw new BadInput(`only address and is_active can be patched, not ${extra.join(", ")}`);
  if (b.address !== undefined && (typeof b.address !== "string" || !isHttpUrl(b.address))) throw new BadInput("address must be an http(s) URL");
  if (b.is_active !== undefined && typeof b.is_active !== "boolean") throw new BadInput("is_active must be a boolean");
  return { ...(b.address !== undefined ? { address: b.address as string } : {}), ...(b.is_active !== undefined ? { is_active: b.is_active as boolean } : {}) };
}

export function newWebhookKey(): string {
  return randomBytes(24).toString("hex");
}

/** The envelope for an order event (docs/reference/ccvshop-api.md#webhook-payload). */
export function eventPayload(event: OrderEvent, order: SimOrder, now: number, previousStatus?: number | null): Record<string, unknown> {
  const base = {
    triggered_at: formatCcvDate(new Date(now)),
    href: order.href.replace(/\/$/, ""),
    id: order.id,
    order_number: order.ordernumber,
    ordernumber_prefix: order.ordernumber_prefix ?? null,
    ordernumber_full: order.ordernumber_full ?? null,
    total_price: order.total_price,
  };
  const contact = { customer_email: order.customer?.email ?? "", customer_mobile: order.customer?.billingaddress?.mobile ?? "" };
  if (event === "orders.updated.ispaid") return { ...base, paid: order.paid, ...contact };
  if (event === "orders.updated.status") return { ...base, previous_status: previousStatus ?? null, status: order.status, ...contact };
  return { ...base, ...contact };
}

/** POSTs one delivery and records the outcome; resolves when done, never rejects. */
export async function deliver(hook: SimWebhook, body: string, now: () => number, log: WebhookDelivery[]): Promise<void> {
  const hash = ccvWebhookHash(hook.key, hook.address, body);
  const entry: WebhookDelivery = { webhookId: hook.id, event: hook.event, address: hook.address, body, hash, status: null, error: null, at: formatCcvDate(new Date(now())) };
  log.push(entry);
  try {
    const res = await fetch(hook.address, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hash": hash },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    entry.status = res.status;
    await res.arrayBuffer().catch(() => undefined);
  } catch (err) {
    entry.error = err instanceof Error ? err.message : String(err);
  }
}
