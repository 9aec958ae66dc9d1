// The `initialize` handshake.
import { z } from "zod";
import { AbsolutePath } from "./primitives.ts";

export const ClientInfo = z
  .object({
    name: z.string(),
    title: z.string().nullable().optional(),
    version: z.string(),
  })
  .meta({ id: "ClientInfo" });

export const InitializeCapabilities = z
  .object({
    experimentalApi: z
      .boolean()
      .default(false)
      .meta({ description: "Opt into experimental methods, fields and notifications." }),
    optOutNotificationMethods: z
      .array(z.string())
      .nullable()
      .optional()
      .meta({ description: "Exact notification method names to suppress on this connection." }),
  })
  .meta({ id: "InitializeCapabilities", description: "Client-declared capabilities negotiated during initialize." });

export const InitializeParams = z
  .object({
    clientInfo: ClientInfo,
    capabilities: InitializeCapabilities.nullable().optional(),
  })
  .meta({ id: "InitializeParams" });

export const InitializeResponse = z
  .object({
    userAgent: z.string(),
    codexHome: AbsolutePath,
    platformFamily: z.string().meta({ description: 'Platform family, e.g. "unix" or "windows".' }),
    platformOs: z.string().meta({ description: 'Operating system, e.g. "linux", "macos" or "windows".' }),
  })
  .meta({ id: "InitializeResponse" });

export type ClientInfo = z.infer<typeof ClientInfo>;
export type InitializeCapabilities = z.infer<typeof InitializeCapabilities>;
export type InitializeParams = z.infer<typeof InitializeParams>;
export type InitializeResponse = z.infer<typeof InitializeResponse>;
