// A `Meta` implementation that forgets the `docs` operation does not compile.
use api_server::*;
use contract_server::RequestContext;

struct Service;

impl Meta for Service {
    async fn api_root(&self, _: RequestContext) -> ApiRootResponse {
        ApiRootResponse::InternalServerError(problem())
    }
    async fn health(&self, _: RequestContext) -> HealthResponse {
        HealthResponse::InternalServerError(problem())
    }
    async fn openapi_json(&self, _: RequestContext) -> OpenapiJsonResponse {
        OpenapiJsonResponse::InternalServerError(problem())
    }
    async fn openapi_yaml(&self, _: RequestContext) -> OpenapiYamlResponse {
        OpenapiYamlResponse::Ok(schemas::meta::OpenApiYaml(String::new()))
    }
    async fn reference(&self, _: RequestContext) -> ReferenceResponse {
        ReferenceResponse::Ok(String::new())
    }
}

fn problem() -> schemas::common::Problem {
    schemas::common::Problem { type_: "about:blank".into(), title: "x".into(), status: 500, detail: None, errors: Vec::new() }
}

fn main() {
    let _ = Service;
}
