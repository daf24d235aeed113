// Front-end code written against the two example packages (examples/*/generated/typescript),
// type-checked with the strictest settings. It must compile; the `@ts-expect-error` lines must not
// (they prove the types carry each seed's wire format).
import * as SaasIa from "../../examples/saas-ia/generated/typescript/index.js";
import * as Vault from "../../examples/vault/generated/typescript/index.js";

const transcription = SaasIa.createClient({ baseUrl: "http://127.0.0.1:8004", token: () => "token", validateResponses: true });

/** Starts a job from a form, or says what is wrong with it. */
export async function start(form: unknown): Promise<string> {
  const checked = SaasIa.validateTranscriptionCreate(form);
  if (!checked.ok) return checked.errors.map((e) => `${e.path}: ${e.keyword}`).join(", ");
  const answer = await transcription.createTranscription({ body: checked.value });
  return answer.status === 201 ? answer.body.id : `${answer.status}: ${answer.body.title}`;
}

export function describe(job: SaasIa.Transcription): string {
  switch (job.status) {
    case "pending":
    case "processing":
      return "in progress";
    case "completed":
      return job.text ?? "";
    case "failed":
      return job.error ?? "failed";
  }
}

export async function completedJobs(): Promise<number> {
  const answer = await transcription.listTranscriptions({ query: { status: "completed", limit: 100 } });
  if (answer.status !== 200) return 0;
  const page: SaasIa.TranscriptionPage = answer.body;
  return page.has_more ? page.limit : page.items.length;
}

// @ts-expect-error job statuses are lowercase
export const shouting: SaasIa.TranscriptionStatus = "PENDING";

const vault = Vault.createClient({ baseUrl: "http://127.0.0.1:8000", token: () => "token" });

export async function plan(): Promise<string> {
  const me = await vault.getMe();
  if (me.status !== 200) return me.body.title;
  const user: Vault.User = me.body;
  const plan: Vault.Plan = user.plan;
  return `${user.email} ${plan} ${user.role} ${user.emailVerified ? "verified" : "unverified"} ${user.createdAt}`;
}

/** The secret exists only on the answer that created the key. */
export async function newKey(name: string): Promise<string | null> {
  const created = await vault.createApiKey({ body: { name } });
  if (created.status !== 201) return null;
  const listed = await vault.listApiKeys();
  if (listed.status === 200) {
    const first: Vault.ApiKey | undefined = listed.body[0];
    // @ts-expect-error a listed key has no secret
    void first?.key;
  }
  return created.body.key;
}

export async function resetPassword(token: string, password: string): Promise<boolean> {
  const answer = await vault.reset({ body: { token, password } });
  return answer.status === 204;
}

// @ts-expect-error the seed spells plans in capitals
export const lower: Vault.Plan = "pro";
// @ts-expect-error the seed's JSON is camelCase
export const snake = (user: Vault.User): boolean => user.email_verified;
