// Bounds the memory that partly received WebSocket messages hold across all connections.
// `ws` buffers a message until its last frame (up to MAX_FRAME_BYTES each), so N clients
// sending large messages at once would cost N times that, then more while each is decoded
// and parsed. Past the budget, a connection with more than a small share in flight stops
// being read until other messages complete; small messages keep flowing.
import type { Duplex } from "node:stream";

export const INBOUND_BUDGET_BYTES = 192 * 1024 * 1024;
/** A connection with less than this in flight is never paused (small requests always pass). */
const SMALL_IN_FLIGHT_BYTES = 1024 * 1024;

export class InboundBudget {
  private total = 0;
  private readonly inFlight = new Map<Duplex, number>();
  private readonly paused = new Set<Duplex>();

  constructor(private readonly budget = INBOUND_BUDGET_BYTES) {}

  get bytesInFlight(): number {
    return this.total;
  }

  /** Counts the socket's received bytes until `messageDone`; pauses it over the budget. */
  watch(socket: Duplex): void {
    this.inFlight.set(socket, 0);
    socket.on("data", (chunk: Buffer) => {
      const mine = (this.inFlight.get(socket) ?? 0) + chunk.length;
      this.inFlight.set(socket, mine);
      this.total += chunk.length;
      if (this.total > this.budget && mine > SMALL_IN_FLIGHT_BYTES && !this.paused.has(socket)) {
        this.paused.add(socket);
        socket.pause();
      }
    });
    socket.once("close", () => this.release(socket, true));
  }

  /** A whole message arrived on `socket`: its bytes no longer count. */
  messageDone(socket: Duplex): void {
    this.release(socket, false);
  }

  private release(socket: Duplex, gone: boolean): void {
    this.total -= this.inFlight.get(socket) ?? 0;
    if (gone) {
      this.inFlight.delete(socket);
      this.paused.delete(socket);
    } else this.inFlight.set(socket, 0);
    for (const s of this.paused) {
      if (this.total > this.budget) break;
      this.paused.delete(s);
      s.resume();
    }
  }
}
