//! The `meta` tag: the API root, health, the contract document, Swagger UI and the reference page.

use api_server::*;
use contract_server::RequestContext;
use schemas::meta::*;

use crate::App;
use crate::db::on_db;

impl Meta for App {
    async fn api_root(&self, _: RequestContext) -> ApiRootResponse {
        ApiRootResponse::Ok(ApiRoot {
            name: "Devora API".into(),
            version: self
                .openapi_json
                .get("info")
                .and_then(|i| i.get("version"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .into(),
            openapi: "/api/v2/openapi.json".into(),
            docs: "/api/v2/docs".into(),
            reference: "/api/v2/reference".into(),
        })
    }

    async fn health(&self, _: RequestContext) -> HealthResponse {
        let database = on_db!(&self.db, pool => sqlx::query_as::<_, (i32,)>("SELECT 1").fetch_one(pool).await).is_ok();
        HealthResponse::Ok(Health {
            status: if database { HealthStatus::Ok } else { HealthStatus::Degraded },
            version: env!("CARGO_PKG_VERSION").into(),
            database,
            uptime_seconds: self.started.elapsed().as_secs(),
        })
    }

    async fn openapi_json(&self, _: RequestContext) -> OpenapiJsonResponse {
        OpenapiJsonResponse::Ok(OpenApiDocument(self.openapi_json.clone()))
    }

    async fn openapi_yaml(&self, _: RequestContext) -> OpenapiYamlResponse {
        OpenapiYamlResponse::Ok(OpenApiYaml(crate::OPENAPI_YAML.to_owned()))
    }

    async fn docs(&self, _: RequestContext) -> DocsResponse {
        DocsResponse::Ok(self.swagger_html.clone())
    }

    async fn reference(&self, _: RequestContext) -> ReferenceResponse {
        ReferenceResponse::Ok(self.reference_html.clone())
    }
}
