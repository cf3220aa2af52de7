/**
 * The catalogue of every error code the package raises: the one place that says what a code
 * means, what the user does about it, and how the koppeling behaves on it. `KoppelingError` takes
 * only a code of this catalogue (`ErrorCode`), so a code that is not here does not compile; the
 * nodes ask the catalogue (`endsRun`, `refusesVatNumber`, `refusesDocument`) instead of keeping
 * lists of their own. The README's error table is printed from it (scripts/error-table.ts) and a
 * test checks the README, the node help texts and every code literal in src/ against it.
 *
 * SnelStart answers a refused request with its own message code (`BOE-0021`, docs/reference/snelstart-api.md#error-codes);
 * those become `SNELSTART_BOE_0021`, one family (`SNELSTART_MESSAGE`) made only through
 * `snelStartMessageCode`. The members the code or the help texts name are listed one by one.
 */

/** Which part of the stack an error is about. */
export type ErrorLayer =
  /** CCV Shop's API, or the settings to reach it. */
  | "ccv"
  /** SnelStart's API, or the settings to reach it. */
  | "snelstart"
  /** The domain: the order cannot be booked as it is (mapping, VAT, totals, exactly-once). */
  | "koppeling"
  /** The flow and the nodes' own machinery (wiring, messages, the sync ledger, the webhook endpoint). */
  | "node";

export interface ErrorSpec {
  layer: ErrorLayer;
  /**
   * ccv-orders-in ends its whole run on it, wherever it happens (the next run retries everything
   * still due); any other error fails only the document it happened to (unless it hit a listing,
   * which always ends the run). SnelStart errors never end a run: each order fails alone.
   */
  endsRun: boolean;
  /** A later attempt may succeed without anyone changing anything (a passing condition). */
  retryable: boolean;
  /** One line: what happened. */
  meaning: string;
  /** One line: what the user does about it. */
  action: string;
  /** SnelStart refused the document itself: nothing was stored, and sending it again as it is is refused again. */
  refusesDocument?: true;
  /** SnelStart refused the customer's VAT number: snelstart-debtor creates the relatie without it. */
  refusesVatNumber?: true;
}

/** SnelStart's three codes for a VAT number of the wrong length or characters (REL-0057, -0058, -0059). */
const VAT_NUMBER_FORM = {
  layer: "snelstart",
  endsRun: false,
  retryable: false,
  meaning: "SnelStart refused the customer's VAT number (its length or characters).",
  action: "None for the order: the relatie is created without it (a warning says so); correct the VAT number in SnelStart.",
  refusesDocument: true,
  refusesVatNumber: true,
} as const;

const CATALOGUE = {
  // --- CCV Shop -------------------------------------------------------------------------------
  CCV_AUTH: {
    layer: "ccv",
    endsRun: true,
    retryable: false,
    meaning: "CCV Shop refused the API credentials (HTTP 401/403).",
    action: "Check the API public key and secret in ccv-config (Test connection) and that this computer's clock is right (CCV allows 5 minutes).",
  },
  CCV_CONFIG: {
    layer: "ccv",
    endsRun: true,
    retryable: false,
    meaning: "The CCV Shop settings are missing or wrong: no ccv-config selected, no URL, key or secret, a URL that is not the shop's https address, or a redirect.",
    action: "Correct the ccv-config node (Test connection names the setting).",
  },
  CCV_NETWORK: {
    layer: "ccv",
    endsRun: true,
    retryable: true,
    meaning: "CCV Shop could not be reached (DNS, connection refused or reset), after retries.",
    action: "Check the shop URL and the network; the next run retries.",
  },
  CCV_TIMEOUT: {
    layer: "ccv",
    endsRun: true,
    retryable: true,
    meaning: "CCV Shop did not answer in time, after retries.",
    action: "Nothing, if it passes: the next run retries; if it persists, check the shop's status.",
  },
  CCV_RATE_LIMIT: {
    layer: "ccv",
    endsRun: true,
    retryable: true,
    meaning: "CCV Shop kept answering 429 (its rate limit), after waiting and retrying.",
    action: "The next run retries; if it persists, check what else uses the shop's API key.",
  },
  CCV_SERVER: {
    layer: "ccv",
    endsRun: false,
    retryable: true,
    meaning: "CCV Shop answered with a server error (5xx), after retries of a read.",
    action: "Nothing, if it passes: the next run retries.",
  },
  CCV_NOT_FOUND: {
    layer: "ccv",
    endsRun: false,
    retryable: false,
    meaning: "CCV Shop has no such document (404), or the API key sees no webshop.",
    action: "Check the order id or the key's shop; an order deleted from the shop is settled by itself.",
  },
  CCV_BAD_REQUEST: {
    layer: "ccv",
    endsRun: false,
    retryable: false,
    meaning: "CCV Shop refused a request (another 4xx), or a CCV id is not a positive integer.",
    action: "Report it with the message, which names the request and CCV's answer.",
  },
  CCV_INVALID_RESPONSE: {
    layer: "ccv",
    endsRun: false,
    retryable: false,
    meaning: "CCV Shop answered with something that is not its API's JSON (not JSON, an unexpected shape, a link outside the API).",
    action: "Check that the shop URL is the shop itself (no proxy in between); report it with the message if it is.",
  },
  CCV_INVALID_DOCUMENT: {
    layer: "ccv",
    endsRun: false,
    retryable: false,
    meaning: "One CCV order, invoice or row does not fit the expected shape; it fails alone, naming the document, the field and what was found.",
    action: "Correct the document in CCV Shop if it is wrong there, else report the field; the next run tries it again.",
  },

  // --- SnelStart --------------------------------------------------------------------------------
  SNELSTART_CONFIG: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "The SnelStart settings are missing or wrong: no snelstart-config selected, no subscription key or koppelsleutel, a URL that is not https, or an address that redirects (HTTP 3xx).",
    action: "Correct the snelstart-config node (Test connection names the setting).",
  },
  SNELSTART_AUTH: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart refused the subscription key or the koppelsleutel (HTTP 401, or the token endpoint's refusal).",
    action: "Check both in snelstart-config (Test connection); a koppelsleutel is revoked when the koppeling is switched off in SnelStart.",
  },
  SNELSTART_FORBIDDEN: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart does not allow this koppelsleutel what was asked (HTTP 403).",
    action: "Check the koppeling's rights (modules) for the administration in SnelStart.",
  },
  SNELSTART_NOT_FOUND: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart has no such resource (HTTP 404): a ledger, relatie or article the request names is gone.",
    action: "Check the VAT mapping's ledgers and the relatie or article named in the message.",
  },
  SNELSTART_RATE_LIMIT: {
    layer: "snelstart",
    endsRun: false,
    retryable: true,
    meaning: "SnelStart kept answering 429 (its rate limit), or asked to wait longer than the koppeling waits.",
    action: "The next run retries; check the rate-limit tier in snelstart-config and what else uses the koppelsleutel.",
  },
  SNELSTART_SERVER: {
    layer: "snelstart",
    endsRun: false,
    retryable: true,
    meaning: "SnelStart answered with a server error (5xx), after retries of a read.",
    action: "Nothing, if it passes: the next run retries.",
  },
  SNELSTART_TIMEOUT: {
    layer: "snelstart",
    endsRun: false,
    retryable: true,
    meaning: "SnelStart did not answer in time, after retries.",
    action: "Nothing, if it passes: the next run retries.",
  },
  SNELSTART_NETWORK: {
    layer: "snelstart",
    endsRun: false,
    retryable: true,
    meaning: "SnelStart could not be reached (DNS, connection refused or reset), after retries.",
    action: "Check the network (and the API URL, if set); the next run retries.",
  },
  SNELSTART_UNKNOWN_OUTCOME: {
    layer: "snelstart",
    endsRun: false,
    retryable: true,
    meaning: "A POST got no answer (timeout, lost connection, 5xx): it may have been stored; it is never sent again blindly.",
    action: "Nothing: the next run looks the document up first and adopts it if SnelStart has it.",
  },
  SNELSTART_VALIDATION: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart refused the request (HTTP 4xx) without a message code of its own; the message lists its field errors.",
    action: "Correct what the message names (the order, the mapping or the relatie in SnelStart).",
    refusesDocument: true,
  },
  SNELSTART_INVALID_RESPONSE: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart answered with something the koppeling cannot read (an unexpected shape, a booking listed without its id).",
    action: "Report it with the message, which names the request and the field.",
  },
  SNELSTART_ODATA: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "A value could not be written into a SnelStart search filter (a bug, never user input).",
    action: "Report it with the message.",
  },
  SNELSTART_BOE_0021: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "The invoice number already exists in SnelStart, and the booking under it was not found to adopt.",
    action: "Look the number up in SnelStart: if it is this order, the next run adopts it; if not, see INVOICE_NUMBER_TAKEN.",
    refusesDocument: true,
  },
  SNELSTART_BOE_0039: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart finds the booking not in balance (revenue + VAT differ from the total).",
    action: "Report it with the order: the koppeling balances every booking itself.",
    refusesDocument: true,
  },
  SNELSTART_BOE_0082: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "A booking line's VAT code is not allowed on its ledger.",
    action: "Choose a ledger that allows the VAT code in the VAT mapping (it warns about such ledgers).",
    refusesDocument: true,
  },
  SNELSTART_ART_0005: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "The article code already exists, and the article was not found to use.",
    action: "Check the article in SnelStart (an inactive one is not found); the next run tries again.",
    refusesDocument: true,
  },
  SNELSTART_REL_0057: VAT_NUMBER_FORM,
  SNELSTART_REL_0058: VAT_NUMBER_FORM,
  SNELSTART_REL_0059: VAT_NUMBER_FORM,
  SNELSTART_REL_0061: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart refused the customer's e-mail address.",
    action: "Correct the customer's e-mail address in CCV Shop; the next run tries again.",
    refusesDocument: true,
  },
  SNELSTART_REL_0087: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "The customer's VAT number is of another country than their address.",
    action: "None for the order: the relatie is created without it (a warning says so); correct the VAT number in SnelStart.",
    refusesDocument: true,
    refusesVatNumber: true,
  },
  SNELSTART_REL_0088: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart finds the customer's VAT number not valid.",
    action: "None for the order: the relatie is created without it (a warning says so); check the number (VIES) and correct it in SnelStart.",
    refusesDocument: true,
    refusesVatNumber: true,
  },

  // --- the koppeling (domain) -------------------------------------------------------------------
  ORDER_INVALID: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order cannot be booked as it is (e.g. a negative count, a missing price, no order number yet); the message names the row and the field.",
    action: "Correct the order in CCV Shop; the next run tries again.",
  },
  ORDER_TOTAL_MISMATCH: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order's parts do not add up to CCV's total_price (by more than the tolerance).",
    action: "Check the order in CCV Shop, or allow a rounding difference in the VAT mapping.",
  },
  VAT_TOTAL_MISMATCH: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The VAT computed per rate differs from CCV's total_tax by more than a cent per rate.",
    action: "Check the order in CCV Shop, or allow a rounding difference in the VAT mapping.",
  },
  VAT_UNMAPPED_RATE: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "A VAT rate fits no case of the VAT mapping (e.g. 7 % on a Dutch order).",
    action: "Correct the product's VAT in CCV Shop, or map the case; the next run tries again.",
  },
  COUNTRY_UNKNOWN: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The customer's country code is missing, not an ISO 3166-1 code, or not in SnelStart's country list.",
    action: "Correct the customer's address in CCV Shop.",
  },
  CUSTOMER_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order has no customer, or no name, company or e-mail address to create a debtor with.",
    action: "Complete the customer in CCV Shop.",
  },
  CURRENCY_UNSUPPORTED: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order is not in EUR; only EUR orders are booked.",
    action: "Book it by hand in SnelStart.",
  },
  BOOKING_EMPTY: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order has nothing to book: every amount is 0.",
    action: "None needed; book it by hand if it should be in SnelStart.",
  },
  INVOICE_NUMBER_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The VAT mapping numbers invoices by CCV's invoice number, and the order has none yet.",
    action: "Create the invoice in CCV Shop, or number by order number in the VAT mapping.",
  },
  INVOICE_NUMBER_TOO_LONG: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The invoice number is longer than SnelStart's 25 characters.",
    action: "Shorten the invoice number prefix in the VAT mapping.",
  },
  INVOICE_NUMBER_TAKEN: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart holds another document (another amount or date) under this order's invoice number; nothing was booked.",
    action: "Change the invoice number rule in the VAT mapping, or the other document in SnelStart.",
    refusesDocument: true,
  },
  ORIGINAL_INVOICE_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "A credit note needs the invoice number its order got in SnelStart, and it is not known.",
    action: "Check that the original order was booked (the sync ledger, SnelStart); book the credit by hand if not.",
  },
  MAPPING_INVALID: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "No VAT mapping is selected, or it is not valid (the message names the field).",
    action: "Select or correct the vat-mapping node.",
  },
  MAPPING_INCOMPLETE: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The order needs a ledger the VAT mapping does not set (the message names the field).",
    action: "Set that ledger in the vat-mapping node.",
  },
  LEDGER_VAT_NOT_ALLOWED: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "A mapped ledger does not allow the VAT code it would receive; SnelStart would refuse the booking.",
    action: "Choose another ledger in the VAT mapping.",
  },
  OSS_NOT_ENABLED: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "OSS is chosen for EU consumers, but the SnelStart administration does not invoice foreign VAT.",
    action: "Switch foreign VAT (factureerBuitenlandsBtw) on in SnelStart, or choose Dutch VAT for EU consumers.",
  },
  OSS_REQUIRED: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Dutch VAT on an EU consumer, while the SnelStart administration invoices foreign VAT and would refuse it; also on a credit invoice dated from 1 July 2021 (OSS) of a sale from before then, at that sale's Dutch VAT.",
    action: "Choose OSS for EU consumers in the VAT mapping, or switch foreign VAT off in SnelStart; book a credit invoice of a sale from before 1 July 2021 by hand.",
  },
  OSS_RATES_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "The destination country's OSS VAT rates are not known to SnelStart.",
    action: "Check the country's rates in SnelStart.",
  },
  ICP_VAT_NUMBER_REFUSED: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "An intra-community supply at 0 %, SnelStart refused the customer's VAT number, and with foreign VAT on it would want destination VAT the shop never charged.",
    action: "Check the VAT number (VIES), correct the customer in SnelStart and book this order by hand.",
  },
  ARTICLE_NUMBER_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Sales-order mode: a row has no product number, and the VAT mapping has no fallback article for it.",
    action: "Give the product a number in CCV Shop, or set the article in the VAT mapping.",
  },
  ARTICLE_NOT_FOUND: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Sales-order mode: an article of the order has no SnelStart article to post.",
    action: "Create the article in SnelStart, or map another article.",
  },
  ARTICLE_GROUP_UNKNOWN: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Sales-order mode: a missing article is not created from a zero-rated order (ICP, export), whose 0 % says nothing of the product's Dutch rate.",
    action: "Create the article in SnelStart in its revenue group (a Dutch order of it does too); the next run books the order.",
  },
  ARTICLE_GROUP_MISSING: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Sales-order mode: a missing article cannot be created because the VAT mapping names no article revenue group for its VAT category.",
    action: "Set the article revenue groups in the VAT mapping.",
  },
  ORDER_OUTCOME_UNKNOWN: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Sales-order mode: an earlier post may have been stored and SnelStart's sales orders could not be listed to find out; it is posted only once a listing shows SnelStart does not hold it.",
    action: "Nothing, if it clears: every run (and a retry) looks again. If it persists, check that SnelStart's sales orders can be listed (the code in the message says why not).",
  },
  RECONCILE_VERKOOPORDER: {
    layer: "koppeling",
    endsRun: false,
    retryable: false,
    meaning: "Reconciliation compares verkoopfacturen, and this administration is booked in sales-order mode: a sales order becomes an invoice, under SnelStart's own number, only when someone invoices it in SnelStart.",
    action: "Reconcile the sales orders in SnelStart itself; the reconciliation works when vat-mapper books sales bookings (Book as: verkoopboeking).",
  },

  // --- the nodes ---------------------------------------------------------------------------------
  BOOKING_INVALID: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "msg.payload is not the booking vat-mapper makes.",
    action: "Wire vat-mapper directly before snelstart-invoice, and do not change msg.payload in between.",
  },
  RELATIE_MISSING: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "msg.snelstart.relatieId is missing.",
    action: "Wire snelstart-debtor before snelstart-invoice.",
  },
  LEDGER_STORE: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "The shop's sync ledger cannot be read or written (its journal or context store), or its file was changed by something else.",
    action: "Check the disk and the user directory's ccv-snelstart folder (or the context store); restore it from a backup if it was edited.",
  },
  FLOW_STOPPED: {
    layer: "node",
    endsRun: false,
    retryable: true,
    meaning: "The flow was being stopped (a redeploy or shutdown) while this document was on its way; it was not booked and is not recorded as failed.",
    action: "Nothing: the next run books it.",
  },
  CONFIG_TOO_NEW: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "The node's settings were saved by a newer version of this package than the one installed; the node does nothing rather than misread them.",
    action: "Update the package (Manage palette) to the version the flow was made with, or open the node, check its settings and deploy again.",
  },
  UNEXPECTED: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "An error that is not one of the koppeling's own (a bug).",
    action: "Report it with the message and the Node-RED log.",
  },
  CCV_WEBHOOK_TOKEN: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "ccv-orders-in's webhook token is missing, shorter than 32 characters or used by another node: webhooks stay off.",
    action: "Set a token of its own (credential, or CCV_WEBHOOK_TOKEN), e.g. openssl rand -hex 24.",
  },
  CCV_WEBHOOK_ADDRESS: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "register-webhooks has no public address of this Node-RED, or one with a path, or not https.",
    action: "Set the public base address in ccv-orders-in, or send it as msg.payload.address.",
  },
  CCV_WEBHOOK_INVALID: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "msg.payload.id is not a CCV order id (or msg.topic \"retry\" came without one).",
    action: "Send the CCV order id (not the order number) as msg.payload.id.",
  },
  WEBHOOK_TOKEN: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "Webhook endpoint answer 401: the address carries no token of any ccv-orders-in node.",
    action: "Register the webhooks again (msg.topic \"register-webhooks\") after changing a token.",
  },
  WEBHOOK_TOO_LARGE: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "Webhook endpoint answer 413: the body is larger than 16 KB.",
    action: "None: CCV Shop's webhooks are small; something else is calling the address.",
  },
  WEBHOOK_INVALID: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "Webhook endpoint answer 400: the body is not JSON, nests too deep or has no valid order id.",
    action: "None: the order is picked up by the next scheduled run.",
  },
  WEBHOOK_SIGNATURE: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "Webhook endpoint answer 401: the x-hash header does not sign the body with any of the shop's webhook keys.",
    action: "Register the webhooks again; if real deliveries keep failing, see the README's Webhooks section.",
  },
  WEBHOOK_UNVERIFIED: {
    layer: "node",
    endsRun: false,
    retryable: true,
    meaning: "Webhook endpoint answer 503: the x-hash cannot be checked now (CCV Shop unreachable).",
    action: "None: the next scheduled run picks the order up.",
  },
  WEBHOOK_FAILED: {
    layer: "node",
    endsRun: false,
    retryable: true,
    meaning: "Webhook endpoint answer 500: the webhook could not be handled.",
    action: "Check the Node-RED log; the next scheduled run picks the order up.",
  },
  RECONCILE_PERIOD: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "The reconciliation's period is not a month (yyyy-MM) or two days from/to (yyyy-MM-dd, to not included), or it is empty or longer than a year.",
    action: "Send msg.payload {month: \"2025-03\"} or {from: \"2025-01-01\", to: \"2025-04-01\"} (or nothing: last month).",
  },
  RECONCILE_SETTINGS: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "The shop has several ccv-orders-in nodes whose settings of what is due (statuses, paid only, start date, historical import, credit notes) differ, so the reconciliation cannot tell what was due.",
    action: "Give the shop's ccv-orders-in nodes the same due settings, or keep one.",
  },
  SIDEBAR_REQUEST_INVALID: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "A request to the Koppeling sidebar's routes names no order: the order number is not a number, or the document to retry is not an order or a cancellation.",
    action: "Give an order number (digits only); in the sidebar, retry from the list of what needs attention.",
  },
  RETRY_NOT_FAILED: {
    layer: "node",
    endsRun: false,
    retryable: false,
    meaning: "The document is no longer failed, waiting or being posted (booked meanwhile, or settled): there is nothing to retry.",
    action: "Nothing: refresh the sidebar, or find the order to see how it stands.",
  },
} as const satisfies Record<string, ErrorSpec>;

/** A code listed in the catalogue by name. */
export type CatalogueCode = keyof typeof CATALOGUE;

declare const snelStartMessage: unique symbol;
/** `SNELSTART_<RES>_<NNNN>` for SnelStart's message code `<RES>-<NNNN>`: made only by `snelStartMessageCode`. */
export type SnelStartMessageCode = `SNELSTART_${Uppercase<string>}_${number}` & { readonly [snelStartMessage]: true };

/** Every code a `KoppelingError` can carry. */
export type ErrorCode = CatalogueCode | SnelStartMessageCode;

/** SnelStart's message codes: three capitals, a dash, four digits (docs/reference/snelstart-api.md#error-codes). */
const SNELSTART_MESSAGE = /^([A-Z]{3})-(\d{4})$/;
const SNELSTART_MESSAGE_CODE = /^SNELSTART_[A-Z]{3}_\d{4}$/;

/** The family of SnelStart message codes: what every member not listed by name means. */
export const SNELSTART_MESSAGE_FAMILY = {
  /** How the README and the help write the family. */
  code: "SNELSTART_<RES>_<NNNN>",
  /** Its entry in the message catalogues (the Koppeling sidebar's `codes.<entry>`), as a code's is the code. */
  entry: "SNELSTART_MESSAGE",
  pattern: SNELSTART_MESSAGE_CODE,
  spec: {
    layer: "snelstart",
    endsRun: false,
    retryable: false,
    meaning: "SnelStart refused the request with a message code of its own (BOE-0058 becomes SNELSTART_BOE_0058; the message has SnelStart's text); nothing was stored.",
    action: "Correct what SnelStart's message names (the order in CCV Shop, the mapping, or the relatie in SnelStart); see SnelStart's list of error codes.",
    refusesDocument: true,
  },
} as const satisfies { code: string; entry: string; pattern: RegExp; spec: ErrorSpec };

/**
 * The error code for SnelStart's message code (`BOE-0021` -> `SNELSTART_BOE_0021`), or null when
 * the text is not one (then the code is the HTTP status's).
 */
export function snelStartMessageCode(messageCode: string): ErrorCode | null {
  const m = SNELSTART_MESSAGE.exec(messageCode);
  return m ? (`SNELSTART_${m[1]}_${m[2]}` as SnelStartMessageCode) : null;
}

/** Every code listed by name, in the catalogue's order (by layer). */
export const ERROR_CODES = Object.keys(CATALOGUE) as CatalogueCode[];

/** The catalogue's entry of a code listed by name. */
export function specOf(code: CatalogueCode): ErrorSpec {
  return CATALOGUE[code];
}

/** What the catalogue says of any code (a family member not listed by name: the family's entry); undefined when it does not know it. */
export function errorSpec(code: string): ErrorSpec | undefined {
  if (Object.hasOwn(CATALOGUE, code)) return CATALOGUE[code as CatalogueCode];
  return SNELSTART_MESSAGE_CODE.test(code) ? SNELSTART_MESSAGE_FAMILY.spec : undefined;
}

/** Whether the catalogue knows the code (by name or as a SnelStart message code). */
export function isErrorCode(code: string): code is ErrorCode {
  return errorSpec(code) !== undefined;
}

/** ccv-orders-in ends its whole run on this code (a run that cannot go on: auth, network, configuration). */
export function endsRun(code: string): boolean {
  return errorSpec(code)?.endsRun === true;
}

/** SnelStart refused the document itself: nothing was stored (snelstart-invoice drops its posting intent). */
export function refusesDocument(code: string): boolean {
  return errorSpec(code)?.refusesDocument === true;
}

/** SnelStart refused the customer's VAT number (snelstart-debtor creates the relatie without it). */
export function refusesVatNumber(code: string): boolean {
  return errorSpec(code)?.refusesVatNumber === true;
}
