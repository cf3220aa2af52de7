/**
 * The domain: CCV Shop order -> SnelStart verkoopboeking / verkooporder. Pure TypeScript, no
 * I/O; money in integer cents (money.ts holds the one rounding rule and the one allocation).
 */
export { mapOrder, mapCreditInvoice, mapCancellation, toVerkoopboeking, bookingCustomer, ROUNDING_LINE_DESCRIPTION } from "./booking";
export type { Booking, BookingLine, BookingVat, BookingVatGroup, Scheme } from "./booking";
export { buildVerkooporder, checkVerkooporderTotals, toVerkooporder, verkooporderIdentity } from "./verkooporder";
export type { VerkooporderModel, VerkooporderRegelModel, VerkooporderTotals } from "./verkooporder";
export { createMapping, parseMapping, validateMapping, mappingSchema, ledgerAllows, ledgerName, roundingMaxProblem, ROUNDING_DEFAULT_MAX_CENTS, ROUNDING_MAX_CAP_CENTS } from "./mapping";
export type { LedgerRef, Mapping, MappingContext, MappingInput, MappingProblem, InvoiceNumberRule, ArticleMapping, RoundingRule } from "./mapping";
export type { OrderInput, CreditInvoiceInput } from "./input";
export { documentOf, documentCustomer, mapDocument, sourceOf } from "./document";
export type { ArticleGroups, BookingMode, CcvDocument, DocumentKind, MapOptions, MappedDocument, SalesOrderIdentity, SalesOrderPlan } from "./document";
export { debtorKey, emailKey, pickRelatie, relatieFor, vatKey } from "./debtor";
export type { BookingCustomer } from "./customer";
export { normaliseCustomer, destinationCountry } from "./customer";
export { invoiceNumber, invoiceNumberOnDate, creditNumber, MAX_INVOICE_NUMBER_LENGTH } from "./invoice-number";
export { amsterdamDate, snelstartDate } from "./dates";
export { ISO_COUNTRIES, EU_COUNTRIES, EU_ISO3, isCountryCode, isEu, euIso3 } from "./countries";
export { DEFAULT_NL_RATES, OSS_START_DATE, VAT_CATEGORIES, nlSoort, ossRateCode, soortOf, verkoopBtwSoortOf } from "./vat";
export type { VatCategory, OssRate, OssRateTable } from "./vat";
export { allocate, centsToEuros, mulDivRound, rateToBasisPoints, toCents, vatOfGross, vatOfNet } from "./money";
