// A browser app built by Vite: it imports the package as any dependency.
import { getProject, validateUserCreate, SubscriptionStatusValues } from "devora-api-client";

const result = validateUserCreate({ email: "ada@example.com", password: "Sup3rSecret" });
const app = document.querySelector("#app");
app.textContent = `${result.ok} ${SubscriptionStatusValues.join("|")} ${typeof getProject}`;
