//! The operation table of the Devora API v2. Rate limits come from the seed documents.

use contract::{Contract, Info, RateLimit, TypeRef, op};

use crate::admin::*;
use crate::auth::*;
use crate::billing::*;
use crate::common::{Page, Problem};
use crate::generation::*;
use crate::meta::*;
use crate::projects::*;

/// What a body too slow to arrive is answered (the server reads every request body within
/// `BODY_TIMEOUT_SECONDS` of its headers).
const BODY_TOO_SLOW: &str = "The body did not arrive within the server's body timeout; the connection is closed.";

/// The whole contract.
pub fn contract() -> Contract {
    let mut contract = Contract::new(
        Info::new("Devora API", "6.0.0")
            .description(
                "The Devora back end: accounts, projects and their files, AI code generation, billing and \
                 administration.\n\nErrors are `application/problem+json` documents (RFC 9457). Rate-limited \
                 operations answer `429` with `Retry-After` and `X-RateLimit-*` headers; limits are counted per \
                 user when a bearer token is sent, per client IP otherwise. Integers never exceed 2^53 - 1.",
            )
            .license("MIT", "MIT"),
    )
    // First, so Swagger UI's "try it out" calls the origin that served the document, whatever its port.
    .server("/", "The server that serves this document")
    .server("http://127.0.0.1:8080", "A local server (`cargo run -p server`)")
    .problem::<Problem>()
    .tag("auth", "Accounts, sign-in, tokens, password reset and OAuth.")
    .tag("projects", "Projects of the signed-in user and their files.")
    .tag("generation", "AI code generation jobs.")
    .tag("billing", "Plans, subscriptions, checkout, invoices and the payment webhook.")
    .tag("admin", "Operator views; admin role only.")
    .tag("meta", "The API root, health and documentation.")
    .operations(auth())
    .operations(projects())
    .operations(generation())
    .operations(billing())
    .operations(admin())
    .operations(meta());
    contract.operations = contract
        .operations
        .into_iter()
        .map(|operation| if operation.body.is_some() { operation.error(408, BODY_TOO_SLOW) } else { operation })
        .collect();
    contract
}

fn auth() -> Vec<contract::Operation> {
    vec![
        op! {
            /// Create an account.
            ///
            /// The password needs 8 to 128 characters with an uppercase letter, a lowercase letter and a digit;
            /// every broken rule is reported.
            post "/api/v2/auth/register" => register
        }
        .tag("auth")
        .body::<UserCreate>()
        .response::<UserResponse>(201, "The new account.")
        .error(409, "An account with this email already exists.")
        .rate_limit(RateLimit::per_minute(3))
        .no_store(),
        op! {
            /// Sign in with a password.
            ///
            /// Starts a session. After 10 wrong passwords for one address within 15 minutes, from any
            /// clients, the address is refused (`429`) until the window ends; a success clears the count.
            post "/api/v2/auth/login" => login
        }
        .tag("auth")
        .body::<UserLogin>()
        .response::<TokenResponse>(200, "An access token and a refresh token.")
        .error(401, "Wrong email or password, or a disabled account.")
        .rate_limit(RateLimit::per_minute(5))
        .no_store(),
        op! {
            /// Exchange a refresh token for a new token pair.
            ///
            /// A refresh token works once; the answer carries its successor.
            post "/api/v2/auth/refresh" => refresh_token
        }
        .tag("auth")
        .body::<RefreshRequest>()
        .response::<TokenResponse>(200, "A new access token and refresh token.")
        .error(401, "The refresh token is unknown, used or expired.")
        .rate_limit(RateLimit::per_minute(10))
        .no_store(),
        op! {
            /// End the session of a refresh token.
            ///
            /// The refresh token and every access token issued in its session stop working.
            post "/api/v2/auth/logout" => logout
        }
        .tag("auth")
        .body::<RefreshRequest>()
        .empty(204, "The session has ended.")
        .bearer(),
        op! {
            /// Get the signed-in account.
            get "/api/v2/auth/me" => get_me
        }
        .tag("auth")
        .response::<UserResponse>(200, "The signed-in account.")
        .bearer()
        .rate_limit(RateLimit::per_minute(20)),
        op! {
            /// Update the signed-in account.
            ///
            /// Changing the password needs `current_password`, and ends every session of the account,
            /// this one included.
            patch "/api/v2/auth/me" => update_me
        }
        .tag("auth")
        .body::<UserUpdate>()
        .response::<UserResponse>(200, "The updated account.")
        .error(403, "`current_password` is missing or wrong.")
        .bearer()
        .rate_limit(RateLimit::per_minute(20)),
        op! {
            /// Ask for a password reset link.
            ///
            /// Always answers 202, whether or not the address has an account, so the answer tells nothing
            /// about who is registered. The link is valid 15 minutes and works once; one address gets at most
            /// 3 messages an hour.
            post "/api/v2/auth/password-reset/request" => request_password_reset
        }
        .tag("auth")
        .body::<PasswordResetRequest>()
        .empty(202, "If the address has an account, a reset link was sent.")
        .rate_limit(RateLimit::per_hour(3)),
        op! {
            /// Set a new password with a reset token.
            post "/api/v2/auth/password-reset/confirm" => reset_password
        }
        .tag("auth")
        .body::<PasswordReset>()
        .empty(204, "The password was changed; every session of the account has ended.")
        .error(400, "The token is unknown, used or expired.")
        .rate_limit(RateLimit::per_minute(5)),
        op! {
            /// Get the URL that starts an OAuth sign-in.
            ///
            /// The answer carries a CSRF `state`, valid 10 minutes, to hand back to the callback.
            get "/api/v2/auth/oauth/{provider}/authorize" => oauth_authorize
        }
        .tag("auth")
        .path::<OAuthProviderPath>()
        .response::<OAuthAuthorizeResponse>(200, "The provider's consent page.")
        .error(503, "The provider is not configured on this server.")
        .rate_limit(RateLimit::per_minute(10))
        .no_store(),
        op! {
            /// Finish an OAuth sign-in.
            ///
            /// Creates the account on first sign-in.
            post "/api/v2/auth/oauth/{provider}/callback" => oauth_callback
        }
        .tag("auth")
        .path::<OAuthProviderPath>()
        .body::<OAuthCallback>()
        .response::<TokenResponse>(200, "An access token and a refresh token.")
        .error(400, "The state is unknown, used or expired, or the provider refused the code.")
        .error(502, "The provider could not be reached.")
        .error(503, "The provider is not configured on this server.")
        .rate_limit(RateLimit::per_minute(10))
        .no_store(),
    ]
}

fn projects() -> Vec<contract::Operation> {
    vec![
        op! {
            /// List the signed-in user's projects.
            get "/api/v2/projects" => list_projects
        }
        .tag("projects")
        .query::<ProjectListQuery>()
        .response::<Page<Project>>(200, "One page of projects, newest first.")
        .bearer()
        .etag()
        .rate_limit(RateLimit::per_minute(100)),
        op! {
            /// Create a project.
            post "/api/v2/projects" => create_project
        }
        .tag("projects")
        .body::<ProjectCreate>()
        .response::<Project>(201, "The new project.")
        .error(409, "The user already has a project with this name.")
        .bearer()
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// Get a project.
            ///
            /// Another user's project is a 404, as if it did not exist.
            get "/api/v2/projects/{project_id}" => get_project
        }
        .tag("projects")
        .path::<ProjectPath>()
        .response::<Project>(200, "The project.")
        .error(404, "No such project.")
        .bearer()
        .etag(),
        op! {
            /// Update a project.
            patch "/api/v2/projects/{project_id}" => update_project
        }
        .tag("projects")
        .path::<ProjectPath>()
        .body::<ProjectUpdate>()
        .response::<Project>(200, "The updated project.")
        .error(404, "No such project.")
        .error(409, "The user already has a project with this name.")
        .bearer()
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Delete a project and its files.
            delete "/api/v2/projects/{project_id}" => delete_project
        }
        .tag("projects")
        .path::<ProjectPath>()
        .empty(204, "The project is gone.")
        .error(404, "No such project.")
        .bearer(),
        op! {
            /// Get a file of a project.
            get "/api/v2/projects/{project_id}/files/{file_name}" => get_file
        }
        .tag("projects")
        .path::<ProjectFilePath>()
        .response::<ProjectFile>(200, "The file and its content.")
        .error(404, "No such project or file.")
        .bearer()
        .etag(),
        op! {
            /// Create or replace a file of a project.
            put "/api/v2/projects/{project_id}/files/{file_name}" => put_file
        }
        .tag("projects")
        .path::<ProjectFilePath>()
        .body::<FileUpsert>()
        .response::<ProjectFile>(200, "The stored file.")
        .error(404, "No such project.")
        .bearer()
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Delete a file of a project.
            delete "/api/v2/projects/{project_id}/files/{file_name}" => delete_file
        }
        .tag("projects")
        .path::<ProjectFilePath>()
        .empty(204, "The file is gone.")
        .error(404, "No such project or file.")
        .bearer(),
    ]
}

fn generation() -> Vec<contract::Operation> {
    vec![
        op! {
            /// Start a simple generation.
            post "/api/v2/generate/simple" => generate_simple
        }
        .tag("generation")
        .body::<SimpleGenerationRequest>()
        .response::<GenerationJob>(202, "The job was queued; poll it at the URL of the `Location` header.")
        .error(402, "The plan's monthly generations are used up.")
        .error(404, "`project_id` names no project of the user.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(20)),
        op! {
            /// Start an agentic generation.
            post "/api/v2/generate/agentic" => generate_agentic
        }
        .tag("generation")
        .body::<AgenticRequest>()
        .response::<GenerationJob>(202, "The job was queued; poll it at the URL of the `Location` header.")
        .error(402, "The plan's monthly generations are used up.")
        .error(404, "`project_id` names no project of the user.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(10)),
        op! {
            /// Start a full-stack generation.
            post "/api/v2/generate/fullstack" => generate_fullstack
        }
        .tag("generation")
        .body::<FullStackRequest>()
        .response::<GenerationJob>(202, "The job was queued; poll it at the URL of the `Location` header.")
        .error(402, "The plan's monthly generations are used up.")
        .error(404, "`project_id` names no project of the user.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(5)),
        op! {
            /// Get a generation job, with its result once finished.
            get "/api/v2/generate/jobs/{job_id}" => get_generation_job
        }
        .tag("generation")
        .path::<JobPath>()
        .response::<GenerationJob>(200, "The job.")
        .error(404, "No such job.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Follow a generation job as it runs.
            ///
            /// Server-Sent Events: one `progress` event per change, then one `finished` event with
            /// the job as `get_generation_job` answers it, after which the server ends the stream.
            /// A client that lost the connection reconnects with `Last-Event-ID` set to the id of
            /// the last event it received and the stream resumes after it.
            get "/api/v2/generate/jobs/{job_id}/events" => stream_generation_job
        }
        .tag("generation")
        .path::<JobPath>()
        .event_stream::<JobEvent>(200, "The job's events, until it ends.")
        .error(404, "No such job.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// List the signed-in user's generation jobs.
            get "/api/v2/generate/jobs" => list_generation_jobs
        }
        .tag("generation")
        .query::<JobListQuery>()
        .response::<Page<GenerationJob>>(200, "One page of jobs, newest first.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Cancel a generation job that has not ended.
            post "/api/v2/generate/jobs/{job_id}/cancel" => cancel_generation_job
        }
        .tag("generation")
        .path::<JobPath>()
        .response::<GenerationJob>(200, "The canceled job.")
        .error(404, "No such job.")
        .error(409, "The job has already ended.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// List the models generation can use.
            get "/api/v2/generate/models" => list_models
        }
        .tag("generation")
        .response::<ModelList>(200, "The model catalogue (cached; a stale copy while the provider is down).")
        .error(502, "The model provider could not be reached and no catalogue is cached.")
        .error(503, "Generation is not configured on this server; the problem names the variable to set.")
        .bearer()
        .etag(),
    ]
}

fn billing() -> Vec<contract::Operation> {
    vec![
        op! {
            /// List the plans.
            get "/api/v2/billing/plans" => list_plans
        }
        .tag("billing")
        .response::<Vec<SubscriptionPlan>>(200, "Every plan, cheapest first.")
        .etag()
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Get the signed-in user's subscription.
            get "/api/v2/billing/subscription" => get_subscription
        }
        .tag("billing")
        .response::<Subscription>(200, "The subscription; `inactive` when there is none.")
        .bearer(),
        op! {
            /// Start a checkout for a plan.
            ///
            /// The same `Idempotency-Key` answers the same session, so a retried request never opens a second one.
            post "/api/v2/billing/checkout" => create_checkout_session
        }
        .tag("billing")
        .headers::<IdempotencyHeaders>()
        .body::<CheckoutSessionCreate>()
        .response::<CheckoutSession>(201, "The hosted checkout page.")
        .error(409, "The user already has an active subscription, or the key was used with another body.")
        .error(502, "The payment provider could not be reached.")
        .error(503, "Payments are not configured on this server; the problem names the variables to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(10)),
        op! {
            /// Get a link to the billing portal.
            post "/api/v2/billing/portal" => create_portal_session
        }
        .tag("billing")
        .body::<PortalSessionCreate>()
        .response::<PortalSession>(201, "The portal link.")
        .error(409, "The user has no billing account yet.")
        .error(502, "The payment provider could not be reached.")
        .error(503, "Payments are not configured on this server; the problem names the variables to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(10)),
        op! {
            /// List the signed-in user's invoices.
            get "/api/v2/billing/invoices" => list_invoices
        }
        .tag("billing")
        .response::<InvoiceList>(200, "Invoices, newest first.")
        .error(502, "The payment provider could not be reached.")
        .error(503, "Payments are not configured on this server; the problem names the variables to set.")
        .bearer()
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// Receive an event from the payment provider.
            ///
            /// The `Stripe-Signature` header is an HMAC-SHA256 over the timestamp and the raw body, checked in
            /// constant time; timestamps older than 5 minutes are rejected. Several `v1` values may be sent (while
            /// the secret rotates): one that matches is enough. An event id is applied once; a repeated delivery
            /// answers `already_processed`, and an event older than the subscription's last change does not
            /// overwrite it.
            post "/api/v2/billing/webhook" => billing_webhook
        }
        .tag("billing")
        .headers::<WebhookHeaders>()
        .body::<WebhookEvent>()
        .response::<WebhookAck>(200, "The event was received.")
        .error(401, "The signature is missing, wrong or too old.")
        .error(503, "The webhook secret is not configured on this server; the problem names the variable to set."),
    ]
}

fn admin() -> Vec<contract::Operation> {
    vec![
        op! {
            /// Get service-wide counts.
            get "/api/v2/admin/stats" => admin_stats
        }
        .tag("admin")
        .response::<AdminStats>(200, "The counts.")
        .role("admin")
        .rate_limit(RateLimit::per_minute(30)),
        op! {
            /// List accounts.
            get "/api/v2/admin/users" => admin_list_users
        }
        .tag("admin")
        .query::<UserListQuery>()
        .response::<Page<UserResponse>>(200, "One page of accounts, oldest first.")
        .role("admin")
        .rate_limit(RateLimit::per_minute(60)),
        op! {
            /// Change an account's role or disabled flag.
            patch "/api/v2/admin/users/{user_id}" => admin_update_user
        }
        .tag("admin")
        .path::<UserPath>()
        .body::<AdminUserUpdate>()
        .response::<UserResponse>(200, "The updated account.")
        .error(404, "No such account.")
        .error(409, "An admin cannot demote or disable their own account, nor the last other enabled admin.")
        .role("admin")
        .rate_limit(RateLimit::per_minute(30)),
    ]
}

fn meta() -> Vec<contract::Operation> {
    vec![
        op! {
            /// Get the API's name and version.
            get "/api/v2" => api_root
        }
        .tag("meta")
        .response::<ApiRoot>(200, "Name, version and where the documentation is.")
        .rate_limit(RateLimit::per_minute(100)),
        op! {
            /// Check that the server and its database work.
            get "/api/v2/health" => health
        }
        .tag("meta")
        .response::<Health>(200, "The server is up; `status` tells whether the database answers.")
        .rate_limit(RateLimit::per_minute(100)),
        op! {
            /// Get this contract as OpenAPI 3.1 JSON.
            get "/api/v2/openapi.json" => openapi_json
        }
        .tag("meta")
        .response::<OpenApiDocument>(200, "The OpenAPI document.")
        .etag()
        .rate_limit(RateLimit::per_minute(50)),
        op! {
            /// Get this contract as OpenAPI 3.1 YAML.
            get "/api/v2/openapi.yaml" => openapi_yaml
        }
        .tag("meta")
        .response_as(200, "The OpenAPI document.", TypeRef::of::<OpenApiYaml>(), "application/yaml")
        .etag()
        .rate_limit(RateLimit::per_minute(50)),
        op! {
            /// Try the API in Swagger UI.
            ///
            /// Swagger UI, served by this server with all of its scripts and styles (under
            /// `/api/v2/docs/`), so it works offline. It loads `/api/v2/openapi.json` and sends "try it out"
            /// requests to this server; the Authorize button takes an access token (`bearerAuth`).
            get "/api/v2/docs" => docs
        }
        .tag("meta")
        .response_as(200, "The Swagger UI page.", TypeRef::of::<String>(), "text/html")
        .etag()
        .rate_limit(RateLimit::per_minute(50)),
        op! {
            /// Read the reference documentation.
            ///
            /// Every operation, parameter, answer and schema on one self-contained page, without
            /// scripts, and which providers this server has configured.
            get "/api/v2/reference" => reference
        }
        .tag("meta")
        .response_as(200, "The reference page.", TypeRef::of::<String>(), "text/html")
        .etag()
        .rate_limit(RateLimit::per_minute(50)),
    ]
}
