// The "JSON-RPC lite" envelope: JSON-RPC 2.0 shapes without the `jsonrpc` member.
// Servers never emit `jsonrpc`; on input it is tolerated (unknown members are ignored).
import { z } from "zod";
import { I64, RequestId } from "./primitives.ts";

export const W3cTraceContext = z
  .object({
    traceparent: z.string().nullable().optional(),
    tracestate: z.string().nullable().optional(),
  })
  .meta({ id: "W3cTraceContext" });

export const JSONRPCRequest = z
  .object({
    id: RequestId,
    method: z.string(),
    params: z.unknown().optional(),
    trace: W3cTraceContext.nullable().optional(),
  })
  .meta({ id: "JSONRPCRequest", description: "A request that expects a response." });

export const JSONRPCNotification = z
  .object({
    method: z.string(),
    params: z.unknown().optional(),
  })
  .meta({ id: "JSONRPCNotification", description: "A notification which does not expect a response." });

export const JSONRPCResponse = z
  .object({ id: RequestId, result: z.unknown() })
  .meta({ id: "JSONRPCResponse", description: "A successful (non-error) response to a request." });

export const JSONRPCErrorError = z
  .object({ code: I64, message: z.string(), data: z.unknown().optional() })
  .meta({ id: "JSONRPCErrorError" });

export const JSONRPCError = z
  .object({ id: RequestId, error: JSONRPCErrorError })
  .meta({ id: "JSONRPCError", description: "A response to a request that indicates an error occurred." });

export const JSONRPCMessage = z
  .union([JSONRPCRequest, JSONRPCNotification, JSONRPCResponse, JSONRPCError])
  .meta({ id: "JSONRPCMessage", description: "Any message that can travel on the wire, either way." });

export type JSONRPCRequest = z.infer<typeof JSONRPCRequest>;
export type JSONRPCNotification = z.infer<typeof JSONRPCNotification>;
export type JSONRPCResponse = z.infer<typeof JSONRPCResponse>;
export type JSONRPCError = z.infer<typeof JSONRPCError>;
export type JSONRPCErrorError = z.infer<typeof JSONRPCErrorError>;
