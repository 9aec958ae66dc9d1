// The kit's name and version, as it introduces itself: the clientInfo of its handshakes, the
// `kit` of a run report, `--version`.
export const KIT_NAME = "app-server-conformance";
export const KIT_VERSION = "0.1.0";
