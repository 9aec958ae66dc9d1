// `closeStdin`: end the client's side (EOF on stdin, or a WebSocket close frame).
import type { Session } from "../session.ts";

export function closeStdin(s: Session): void {
  s.server.closeStdin();
}
