// An app that calls one operation: its bundle should hold that operation's validators only.
import { getProject } from "devora-api-client";

export const load = (baseUrl, project_id) => getProject({ baseUrl, validateResponses: true }, { path: { project_id } });
