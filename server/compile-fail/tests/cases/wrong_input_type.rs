// A method whose inputs drift from the contract (a `String` id instead of the path struct) does
// not implement the trait.
use api_server::*;
use contract_server::RequestContext;

struct Service;

impl Projects for Service {
    async fn list_projects(&self, _: RequestContext, _: schemas::projects::ProjectListQuery) -> ListProjectsResponse { todo() }
    async fn create_project(&self, _: RequestContext, _: schemas::projects::ProjectCreate) -> CreateProjectResponse { todo() }
    async fn get_project(&self, _: RequestContext, _: String) -> GetProjectResponse { todo() }
    async fn update_project(&self, _: RequestContext, _: schemas::projects::ProjectPath, _: schemas::projects::ProjectUpdate) -> UpdateProjectResponse { todo() }
    async fn delete_project(&self, _: RequestContext, _: schemas::projects::ProjectPath) -> DeleteProjectResponse { todo() }
    async fn get_file(&self, _: RequestContext, _: schemas::projects::ProjectFilePath) -> GetFileResponse { todo() }
    async fn put_file(&self, _: RequestContext, _: schemas::projects::ProjectFilePath, _: schemas::projects::FileUpsert) -> PutFileResponse { todo() }
    async fn delete_file(&self, _: RequestContext, _: schemas::projects::ProjectFilePath) -> DeleteFileResponse { todo() }
}

fn todo<T>() -> T {
    loop {}
}

fn main() {
    let _ = Service;
}
