// How the mobile team uses the types openapi-typescript generates from openapi.yaml. `tsc` checks
// this file strictly: it builds and reads every problem subtype, relies on the members each one
// requires, and writes a value of each open set that this contract does not list yet.
import type { components, operations, paths } from "./generated/docscan";

type Schemas = components["schemas"];
type ProblemBody<Op extends keyof operations, Status extends keyof operations[Op]["responses"]> =
  operations[Op]["responses"][Status] extends { content: { "application/problem+json": infer Body } } ? Body : never;

const base = {
  title: "A problem",
  detail: "What went wrong.",
  instance: "/api/v1/children/child-1/documents",
  request_id: "9f3b2c1d0e4a4f6b8c7d5e3a2b1c0d9e",
};

// -- every problem subtype, built as the service sends it --

const parameter: Schemas["ParameterProblem"] = {
  ...base,
  type: "urn:docscan:problem:invalid-parameter",
  status: 400,
  errors: { limit: ["must be an integer between 1 and 100"] },
};
const scanState: Schemas["ScanStateProblem"] = {
  ...base,
  type: "urn:docscan:problem:scan-in-flight",
  status: 409,
  scan_status: "processing",
  pipeline_stage: "quick_scan_processing",
  validation_status: "pending",
  retry_after: 5,
};
const precondition: Schemas["PreconditionProblem"] = {
  ...base,
  type: "urn:docscan:problem:precondition-failed",
  status: 412,
  scan_status: "queued",
};
const validation: Schemas["ValidationProblem"] = {
  ...base,
  type: "urn:docscan:problem:validation-error",
  status: 422,
  errors: { language: ["is not a known ISO 639-1 language code"] },
};
const unprocessable: Schemas["UnprocessableProblem"] = {
  ...base,
  type: "urn:docscan:problem:idempotency-key-reused",
  status: 422,
};
const tooLarge: Schemas["PayloadTooLargeProblem"] = {
  ...base,
  type: "urn:docscan:problem:payload-too-large",
  status: 413,
  max_bytes: 20971520,
};
const unsupported: Schemas["UnsupportedMediaTypeProblem"] = {
  ...base,
  type: "urn:docscan:problem:unsupported-media-type",
  status: 415,
  allowed_types: ["application/pdf", "image/png"],
};
const notAcceptable: Schemas["NotAcceptableProblem"] = {
  ...base,
  type: "urn:docscan:problem:not-acceptable",
  status: 406,
  available_types: ["application/pdf"],
};
const range: Schemas["RangeProblem"] = {
  ...base,
  type: "urn:docscan:problem:range-not-satisfiable",
  status: 416,
  size: 248113,
};
const notFound: Schemas["Problem"] = { ...base, type: "urn:docscan:problem:not-found", status: 404 };

// -- a required member cannot be left out --

// @ts-expect-error scan_status, pipeline_stage and validation_status are required
const incomplete: Schemas["ScanStateProblem"] = { ...base, type: "urn:docscan:problem:not-ready", status: 409 };
// @ts-expect-error errors is required
const noErrors: Schemas["ValidationProblem"] = { ...base, type: "urn:docscan:problem:validation-error", status: 422 };
// @ts-expect-error max_bytes is a number
const wrongType: Schemas["PayloadTooLargeProblem"] = { ...base, type: "t", status: 413, max_bytes: "20 MiB" };

// -- reading them: required members need no undefined check --

function retryHint(problem: Schemas["ScanStateProblem"]): string {
  const status: "queued" | "processing" | "ready" | "failed" = problem.scan_status;
  const confirmed: boolean = problem.validation_status === "confirmed";
  const stage: string | null = problem.pipeline_stage;
  const wait: number = problem.retry_after ?? 0;
  return `${status} ${stage ?? "-"} ${confirmed ? "confirmed" : "pending"}, retry in ${wait}s`;
}

function describe(problem: Schemas["Problem"]): string {
  return `${problem.status} ${problem.type}: ${problem.detail} (${problem.request_id}, ${problem.instance ?? "-"})`;
}

function fieldMessages(errors: Schemas["ValidationProblem"]["errors"]): string[] {
  return Object.entries(errors).flatMap(([field, messages]) => messages.map((m) => `${field}: ${m}`));
}

const lines: string[] = [
  describe(parameter),
  ...fieldMessages(parameter.errors ?? {}),
  retryHint(scanState),
  precondition.scan_status ?? "unknown",
  ...fieldMessages(validation.errors),
  describe(unprocessable),
  `at most ${tooLarge.max_bytes.toFixed(0)} bytes`,
  unsupported.allowed_types.join(", "),
  notAcceptable.available_types.join(", "),
  `size ${range.size.toFixed(0)}`,
  describe(notFound),
  describe(incomplete),
  describe(noErrors),
  describe(wrongType),
];

// -- each operation's problem responses have the subtype the contract names --

const rescanConflict: ProblemBody<"rescanDocument", 409> = scanState;
const confirmStale: ProblemBody<"confirmScan", 412> = precondition;
const confirmInvalid: ProblemBody<"confirmScan", 422> = validation;
const uploadTooLarge: ProblemBody<"uploadDocument", 413> = tooLarge;
const uploadType: ProblemBody<"uploadDocument", 415> = unsupported;
const downloadAccept: ProblemBody<"downloadDocument", 406> = notAcceptable;
const downloadRange: ProblemBody<"downloadDocument", 416> = range;
const deleteMissing: ProblemBody<"deleteDocument", 404> = notFound;
// @ts-expect-error a 409 of a rescan always names the scan state
const rescanBare: ProblemBody<"rescanDocument", 409> = notFound;
lines.push(
  retryHint(rescanConflict),
  describe(confirmStale),
  describe(confirmInvalid),
  describe(uploadTooLarge),
  describe(uploadType),
  describe(downloadAccept),
  describe(downloadRange),
  describe(deleteMissing),
  describe(rescanBare),
);

// -- open sets take values this contract does not list; closed ones do not --

const newTopic: Schemas["SuggestedTopic"] = "astronomy";
const knownTopic: Schemas["SuggestedTopic"] = "mathematics";
const newKind: Schemas["ScanRead"]["input_kind"] = "docx";
const newStage: Schemas["PipelineStage"] = "concept_extraction";
// @ts-expect-error a confirmation takes only a topic the service knows
const confirmUnknown: Schemas["ConfirmScanRequest"] = { topic: "astronomy", language: "en" };
// @ts-expect-error nor a language it cannot process
const confirmLanguage: Schemas["ConfirmScanRequest"] = { topic: "music", language: "aa" };
// @ts-expect-error scan_status is a closed set
const newStatus: Schemas["ScanStatus"] = "paused";
lines.push(newTopic, knownTopic, newKind, newStage ?? "", confirmUnknown.topic, confirmLanguage.language, newStatus);

// -- successful answers --

function showDocument(doc: Schemas["Document"]): string {
  const suggestion = doc.scan.suggestion;
  const topic: string = suggestion === null ? "not scanned yet" : suggestion.topic;
  return `${doc.filename} (${doc.content_type}, ${doc.size} bytes): ${topic}, scan at ${doc.links.scan}`;
}
type DocumentAnswer = operations["getDocument"]["responses"][200]["content"]["application/json"];
type ErasureAnswer = operations["eraseChildDocuments"]["responses"][200]["content"]["application/json"];
type Download = paths["/api/v1/children/{child}/documents/{document}/content"]["get"];
const erased: ErasureAnswer = { deleted: 3 };
const noBody: operations["deleteDocument"]["responses"][204]["content"] = undefined as never;
const rangeHeader: NonNullable<Download["parameters"]["header"]>["Range"] = "bytes=0-1023";
lines.push(`${erased.deleted}`, String(noBody), rangeHeader ?? "");

export function report(doc: DocumentAnswer): string[] {
  return [...lines, showDocument(doc)];
}
