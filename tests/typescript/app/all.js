// An app that uses `createClient`: its bundle holds every operation.
import { createClient } from "devora-api-client";

export const connect = (baseUrl) => createClient({ baseUrl, validateResponses: true });
