// Bounds the memory that partly received WebSocket messages hold across all connections.
// `ws` buffers a message until its last frame (up to MAX_FRAME_BYTES), so N clients sending
// large messages at once would cost N times that, then more while each is decoded and
// parsed. So only a few large messages are received at a time: a connection whose message
// in flight passes a small size needs a slot; without one its socket stops being read, in
// arrival order, until a slot frees. A slot's holder is never paused, so each large message
// completes (or its connection closes) and the queue always moves. Small messages never
// need a slot and keep flowing.
import type { Duplex } from "node:stream";

/** Large messages received at once across all connections (each up to MAX_FRAME_BYTES). */
export const LARGE_MESSAGES_AT_ONCE = 2;
/** A message in flight below this size never needs a slot (small requests always pass). */
const SMALL_IN_FLIGHT_BYTES = 1024 * 1024;

export class InboundBudget {
  private total = 0;
  private readonly inFlight = new Map<Duplex, number>();
  private readonly received = new Map<Duplex, number>();
  private readonly slots = new Set<Duplex>();
  /** Paused sockets waiting for a slot, oldest first (a Set keeps insertion order). */
  private readonly waiting = new Set<Duplex>();

  constructor(private readonly slotCount = LARGE_MESSAGES_AT_ONCE) {}

  get bytesInFlight(): number {
    return this.total;
  }

  /**
   * The socket's large message is on its way: queued for a slot (paused by the server), or
   * holding one with at least `minBytes` more received since the last `receivedTotal`-based
   * check. Deadlines for idle clients should not fire for these.
   */
  isReceivingLarge(socket: Duplex, receivedBefore: number, minBytes: number): boolean {
    if (this.waiting.has(socket)) return true;
    return this.slots.has(socket) && this.receivedTotal(socket) - receivedBefore >= minBytes;
  }

  /** Bytes ever received on the socket (for progress checks). */
  receivedTotal(socket: Duplex): number {
    return this.received.get(socket) ?? 0;
  }

  /** Counts the socket's received bytes until `messageDone`; past the small size it needs a slot. */
  watch(socket: Duplex): void {
    this.inFlight.set(socket, 0);
    socket.on("data", (chunk: Buffer) => {
      const mine = (this.inFlight.get(socket) ?? 0) + chunk.length;
      this.inFlight.set(socket, mine);
      this.total += chunk.length;
      this.received.set(socket, (this.received.get(socket) ?? 0) + chunk.length);
      if (mine <= SMALL_IN_FLIGHT_BYTES || this.slots.has(socket) || this.waiting.has(socket)) return;
      if (this.slots.size < this.slotCount) this.slots.add(socket);
      else {
        this.waiting.add(socket);
        socket.pause();
      }
    });
    socket.once("close", () => this.release(socket, true));
  }

  /** A whole message arrived on `socket`: its bytes no longer count and its slot frees. */
  messageDone(socket: Duplex): void {
    this.release(socket, false);
  }

  private release(socket: Duplex, gone: boolean): void {
    this.total -= this.inFlight.get(socket) ?? 0;
    this.slots.delete(socket);
    if (gone) {
      this.inFlight.delete(socket);
      this.received.delete(socket);
      this.waiting.delete(socket);
    } else this.inFlight.set(socket, 0);
    for (const next of this.waiting) {
      if (this.slots.size >= this.slotCount) break;
      this.waiting.delete(next);
      this.slots.add(next);
      next.resume();
    }
  }
}
