// `get_project` declares no 409: its response has no constructor for one either.
use api_server::*;

fn answer() -> GetProjectResponse {
    GetProjectResponse::conflict("A project with this name exists.")
}

fn main() {}
