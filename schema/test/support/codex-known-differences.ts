// Where our contract knowingly differs from Codex 0.169.0's generated schema, and why.
// Each `fact` is the start of a difference line printed by the compatibility test; an
// entry that no longer matches any difference fails the test (so this list stays true).
export interface KnownDifference {
  fact: string;
  reason: string;
}

const outOfSurface = "capability outside the process-execution surface; the server accepts and ignores it";
const alwaysSent =
  "Codex's JSON generator marks Option fields optional although its server always sends them (its TS marks them required); we require what a server always sends";
const emittedAt = "we declare emittedAtMs on each notification arm instead of beside the union; same wire meaning";

export const KNOWN_DIFFERENCES: KnownDifference[] = [
  {
    fact: "CommandExecParams.permissionProfile",
    reason: "extension: an inline PermissionProfile object is accepted besides Codex's profile id string",
  },
  { fact: "InitializeCapabilities properties:", reason: outOfSurface },
  { fact: "InitializeCapabilities.explicitGatewayOauth", reason: outOfSurface },
  { fact: "InitializeCapabilities.extensions", reason: outOfSurface },
  { fact: "InitializeCapabilities.mcpServerOpenaiFormElicitation", reason: outOfSurface },
  { fact: "InitializeCapabilities.requestAttestation", reason: outOfSurface },
  { fact: "InitializeCapabilities.requiredHumanApproval", reason: outOfSurface },
  { fact: "PermissionProfileListResponse required:", reason: alwaysSent },
  { fact: "PermissionProfileSummary required:", reason: alwaysSent },
  { fact: "ServerNotification|method=command/exec/outputDelta", reason: emittedAt },
  { fact: "ServerNotification|method=process/exited", reason: emittedAt },
  { fact: "ServerNotification|method=process/outputDelta", reason: emittedAt },
];
