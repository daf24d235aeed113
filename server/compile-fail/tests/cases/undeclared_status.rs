// `get_project` declares no 409: answering one does not compile.
use api_server::*;

fn answer(problem: schemas::common::Problem) -> GetProjectResponse {
    GetProjectResponse::Conflict(problem)
}

fn main() {}
