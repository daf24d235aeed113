//! The `projects` tag. A project is visible to its owner only: another user's project is a 404.

use api_server::*;
use chrono::{DateTime, Utc};
use contract_server::RequestContext;
use schemas::common::WebUrl;
use schemas::projects::*;
use uuid::Uuid;

use super::listing::{List, like_pattern};
use super::{answer, caller};
use crate::App;
use crate::cache::Scope;
use crate::db::{on_db, sql};
use crate::error::{ApiError, is_foreign_key_violation, is_unique_violation};

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: String,
    name: String,
    description: Option<String>,
    github_repo_url: Option<String>,
    vercel_url: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    project_id: String,
    name: String,
    size: i64,
    updated_at: DateTime<Utc>,
}

fn url(text: Option<String>) -> Option<WebUrl> {
    // A link stored before links were restricted to http(s) is not shown.
    text.and_then(|t| WebUrl::parse(&t).ok())
}

/// Writes a file into a project, created or replaced: (project, name, content, language, size,
/// time).
pub(crate) const UPSERT_FILE: &str = "INSERT INTO files (project_id, name, content, language, size, updated_at) \
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id, name) DO UPDATE SET content = excluded.content, \
    language = excluded.language, size = excluded.size, updated_at = excluded.updated_at";

/// Marks a project changed: (time, project).
pub(crate) const TOUCH_PROJECT: &str = "UPDATE projects SET updated_at = ? WHERE id = ?";

/// The detail of a `404` for a project that is not the caller's (or does not exist).
const NO_PROJECT: &str = "No project with this id.";

/// The `422` for file content over the byte limit, which JSON Schema (counting characters)
/// cannot state: it names `/body/content` as the runtime names every broken rule.
fn too_many_bytes(bytes: usize) -> PutFileResponse {
    let limit = FileUpsert::MAX_CONTENT_BYTES;
    let detail = format!("The file content takes {bytes} bytes in UTF-8; at most {limit} are allowed.");
    let mut answer = PutFileResponse::unprocessable_entity(detail);
    if let PutFileResponse::UnprocessableEntity(problem) = &mut answer {
        problem.errors.push(schemas::common::FieldError {
            path: "/body/content".into(),
            keyword: "maxLength".into(),
            message: format!("the value takes more than {limit} bytes in UTF-8"),
        });
    }
    answer
}

/// The detail of a `409` for a second project of the same name.
fn duplicate(name: &str) -> String {
    format!("You already have a project named \"{name}\"; choose another name.")
}

impl App {
    /// The projects of `rows`, with their file summaries (one query for all of them).
    async fn with_files(&self, rows: Vec<ProjectRow>) -> Result<Vec<Project>, ApiError> {
        let mut files: Vec<FileRow> = Vec::new();
        if !rows.is_empty() {
            let marks = vec!["?"; rows.len()].join(", ");
            let text = format!(
                "SELECT project_id, name, size, updated_at FROM files WHERE project_id IN ({marks}) ORDER BY name"
            );
            files = on_db!(&self.db, pool => {
                let mut query = sqlx::query_as::<_, FileRow>(sql(pool, text));
                for row in &rows {
                    query = query.bind(&row.id);
                }
                query.fetch_all(pool).await
            })?;
        }
        rows.into_iter()
            .map(|row| {
                let summaries = files
                    .iter()
                    .filter(|f| f.project_id == row.id)
                    .map(|f| ProjectFileSummary {
                        name: FileName(f.name.clone()),
                        size: f.size.max(0) as u64,
                        updated_at: f.updated_at,
                    })
                    .collect();
                Ok(Project {
                    id: row.id.parse()?,
                    name: row.name,
                    description: row.description,
                    files: summaries,
                    github_repo_url: url(row.github_repo_url),
                    vercel_url: url(row.vercel_url),
                    created_at: row.created_at,
                    updated_at: row.updated_at,
                })
            })
            .collect()
    }

    /// One project of `owner` with its file summaries, in one query (the read `get_project` does).
    pub(crate) async fn project(&self, owner: &str, id: Uuid) -> Result<Option<Project>, ApiError> {
        type Row = (
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            DateTime<Utc>,
            DateTime<Utc>,
            Option<String>,
            Option<i64>,
            Option<DateTime<Utc>>,
        );
        let rows: Vec<Row> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT p.id, p.name, p.description, p.github_repo_url, p.vercel_url, p.created_at, p.updated_at, f.name, f.size, f.updated_at \
                 FROM projects p LEFT JOIN files f ON f.project_id = p.id WHERE p.id = ? AND p.owner_id = ? ORDER BY f.name",
            ))
            .bind(id.to_string())
            .bind(owner)
            .fetch_all(pool)
            .await
        })?;
        let Some(first) = rows.first() else { return Ok(None) };
        let files = rows
            .iter()
            .filter_map(|row| match (&row.7, row.8, row.9) {
                (Some(name), Some(size), Some(updated_at)) => {
                    Some(ProjectFileSummary { name: FileName(name.clone()), size: size.max(0) as u64, updated_at })
                }
                _ => None,
            })
            .collect();
        Ok(Some(Project {
            id: first.0.parse()?,
            name: first.1.clone(),
            description: first.2.clone(),
            files,
            github_repo_url: url(first.3.clone()),
            vercel_url: url(first.4.clone()),
            created_at: first.5,
            updated_at: first.6,
        }))
    }

    pub(crate) async fn owns(&self, owner: &str, id: Uuid) -> Result<bool, sqlx::Error> {
        let found: Option<(i32,)> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(pool, "SELECT 1 FROM projects WHERE id = ? AND owner_id = ?"))
                .bind(id.to_string())
                .bind(owner)
                .fetch_optional(pool)
                .await
        })?;
        Ok(found.is_some())
    }

    /// Writes a file into a project (created or replaced) and touches the project; a project
    /// deleted meanwhile is a foreign-key violation. The caller checks ownership and the limits
    /// (`FileName`, [`FileUpsert::MAX_CONTENT_BYTES`]).
    pub(crate) async fn upsert_file(
        &self,
        project: Uuid,
        name: &str,
        content: &str,
        language: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        let now = Utc::now();
        on_db!(&self.db, pool => {
            sqlx::query(sql(pool, UPSERT_FILE))
            .bind(project.to_string())
            .bind(name)
            .bind(content)
            .bind(language)
            .bind(content.len() as i64)
            .bind(now)
            .execute(pool)
            .await?;
            sqlx::query(sql(pool, TOUCH_PROJECT))
                .bind(now)
                .bind(project.to_string())
                .execute(pool)
                .await
                .map(|_| ())
        })
    }

    async fn file(&self, project: Uuid, name: &str) -> Result<Option<ProjectFile>, sqlx::Error> {
        /// A `files` row: name, content, language, size, last update.
        type FileRow = (String, String, Option<String>, i64, DateTime<Utc>);
        let row: Option<FileRow> = on_db!(&self.db, pool => {
            sqlx::query_as(sql(
                pool,
                "SELECT name, content, language, size, updated_at FROM files WHERE project_id = ? AND name = ?",
            ))
            .bind(project.to_string())
            .bind(name)
            .fetch_optional(pool)
            .await
        })?;
        Ok(row.map(|(name, content, language, size, updated_at)| ProjectFile {
            name: FileName(name),
            content,
            language,
            size: size.max(0) as u64,
            updated_at,
        }))
    }
}

impl Projects for App {
    async fn list_projects(&self, context: RequestContext, query: ProjectListQuery) -> ListProjectsResponse {
        answer(async {
            let owner = caller(&context);
            let field = format!("list:{}", serde_json::to_string(&query).map_err(ApiError::Json)?);
            let page = self.cache.read(Scope::Projects, &owner, &field, async {
                let (rows, page) = List::new(
                    "SELECT id, name, description, github_repo_url, vercel_url, created_at, updated_at FROM projects",
                    "WHERE owner_id = ?1 AND (?2 IS NULL OR LOWER(name) LIKE LOWER(?2) ESCAPE '\\')",
                    "ORDER BY created_at DESC, id DESC",
                )
                .bind(owner.clone())
                .bind(query.search.as_deref().map(like_pattern))
                .fetch_page::<ProjectRow>(&self.db, &query.pagination)
                .await?;
                Ok(page.with(self.with_files(rows).await?))
            });
            Ok(ListProjectsResponse::Ok(page.await?))
        })
        .await
    }

    async fn create_project(&self, context: RequestContext, body: ProjectCreate) -> CreateProjectResponse {
        answer(async {
            let id = Uuid::new_v4();
            let now = Utc::now();
            let inserted = on_db!(&self.db, pool => {
                sqlx::query(sql(
                    pool,
                    "INSERT INTO projects (id, owner_id, name, description, github_repo_url, vercel_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ))
                .bind(id.to_string())
                .bind(caller(&context))
                .bind(&body.name)
                .bind(&body.description)
                .bind(body.github_repo_url.as_ref().map(WebUrl::as_str))
                .bind(body.vercel_url.as_ref().map(WebUrl::as_str))
                .bind(now)
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
            });
            self.cache.invalidate(Scope::Projects, &caller(&context)).await;
            match inserted {
                Err(error) if is_unique_violation(&error) => {
                    return Ok(CreateProjectResponse::conflict(duplicate(&body.name)));
                }
                inserted => inserted?,
            };
            let project = self.project(&caller(&context), id).await?.ok_or(ApiError::Vanished("project"))?;
            Ok(CreateProjectResponse::Created(project))
        })
        .await
    }

    async fn get_project(&self, context: RequestContext, path: ProjectPath) -> GetProjectResponse {
        answer(async {
            let owner = caller(&context);
            let field = format!("project:{}", path.project_id);
            let project = self.cache.read(Scope::Projects, &owner, &field, self.project(&owner, path.project_id));
            Ok(match project.await? {
                Some(project) => GetProjectResponse::Ok(project),
                None => GetProjectResponse::not_found(NO_PROJECT),
            })
        })
        .await
    }

    async fn update_project(
        &self,
        context: RequestContext,
        path: ProjectPath,
        body: ProjectUpdate,
    ) -> UpdateProjectResponse {
        answer(async {
            let owner = caller(&context);
            // For each optional field: whether it was sent, then its new value (NULL clears it).
            let url =
                |field: &Option<Option<WebUrl>>| field.as_ref().map(|v| v.as_ref().map(|u| u.as_str().to_owned()));
            let (github, vercel) = (url(&body.github_repo_url), url(&body.vercel_url));
            let updated = on_db!(&self.db, pool => {
                sqlx::query(sql(
                    pool,
                    "UPDATE projects SET name = COALESCE(?, name), \
                     description = CASE WHEN ? THEN ? ELSE description END, \
                     github_repo_url = CASE WHEN ? THEN ? ELSE github_repo_url END, \
                     vercel_url = CASE WHEN ? THEN ? ELSE vercel_url END, updated_at = ? WHERE id = ? AND owner_id = ?",
                ))
                .bind(&body.name)
                .bind(body.description.is_some())
                .bind(body.description.clone().flatten())
                .bind(github.is_some())
                .bind(github.clone().flatten())
                .bind(vercel.is_some())
                .bind(vercel.clone().flatten())
                .bind(Utc::now())
                .bind(path.project_id.to_string())
                .bind(&owner)
                .execute(pool)
                .await
                .map(|done| done.rows_affected())
            });
            self.cache.invalidate(Scope::Projects, &owner).await;
            let updated = match updated {
                Err(error) if is_unique_violation(&error) => {
                    return Ok(UpdateProjectResponse::conflict(duplicate(body.name.as_deref().unwrap_or_default())));
                }
                updated => updated?,
            };
            if updated == 0 {
                return Ok(UpdateProjectResponse::not_found(NO_PROJECT));
            }
            Ok(match self.project(&owner, path.project_id).await? {
                Some(project) => UpdateProjectResponse::Ok(project),
                None => UpdateProjectResponse::not_found(NO_PROJECT),
            })
        })
        .await
    }

    async fn delete_project(&self, context: RequestContext, path: ProjectPath) -> DeleteProjectResponse {
        answer(async {
            let owner = caller(&context);
            let deleted = on_db!(&self.db, pool => {
                sqlx::query(sql(pool, "DELETE FROM projects WHERE id = ? AND owner_id = ?"))
                    .bind(path.project_id.to_string())
                    .bind(&owner)
                    .execute(pool)
                    .await
                    .map(|done| done.rows_affected())
            });
            self.cache.invalidate(Scope::Projects, &owner).await;
            let deleted = deleted?;
            Ok(if deleted == 0 {
                DeleteProjectResponse::not_found(NO_PROJECT)
            } else {
                DeleteProjectResponse::NoContent
            })
        })
        .await
    }

    async fn get_file(&self, context: RequestContext, path: ProjectFilePath) -> GetFileResponse {
        answer(async {
            if !self.owns(&caller(&context), path.project_id).await? {
                return Ok(GetFileResponse::not_found(NO_PROJECT));
            }
            Ok(match self.file(path.project_id, &path.file_name.0).await? {
                Some(file) => GetFileResponse::Ok(file),
                None => GetFileResponse::not_found(format!("No file named \"{}\" in this project.", path.file_name.0)),
            })
        })
        .await
    }

    async fn put_file(&self, context: RequestContext, path: ProjectFilePath, body: FileUpsert) -> PutFileResponse {
        answer(async {
            let owner = caller(&context);
            if !self.owns(&owner, path.project_id).await? {
                return Ok(PutFileResponse::not_found(NO_PROJECT));
            }
            if body.content.len() > FileUpsert::MAX_CONTENT_BYTES {
                return Ok(too_many_bytes(body.content.len()));
            }
            let stored = async {
                self.upsert_file(path.project_id, &path.file_name.0, &body.content, body.language.as_deref()).await?;
                self.file(path.project_id, &path.file_name.0).await
            };
            let stored = stored.await;
            self.cache.invalidate(Scope::Projects, &owner).await;
            Ok(match stored {
                Ok(Some(file)) => PutFileResponse::Ok(file),
                Ok(None) => PutFileResponse::not_found(NO_PROJECT),
                // The project was deleted between the ownership check and the write.
                Err(error) if is_foreign_key_violation(&error) => PutFileResponse::not_found(NO_PROJECT),
                Err(error) => return Err(error.into()),
            })
        })
        .await
    }

    async fn delete_file(&self, context: RequestContext, path: ProjectFilePath) -> DeleteFileResponse {
        answer(async {
            let owner = caller(&context);
            if !self.owns(&owner, path.project_id).await? {
                return Ok(DeleteFileResponse::not_found(NO_PROJECT));
            }
            let deleted = on_db!(&self.db, pool => {
                sqlx::query(sql(pool, "DELETE FROM files WHERE project_id = ? AND name = ?"))
                    .bind(path.project_id.to_string())
                    .bind(&path.file_name.0)
                    .execute(pool)
                    .await
                    .map(|done| done.rows_affected())
            });
            self.cache.invalidate(Scope::Projects, &owner).await;
            let deleted = deleted?;
            Ok(if deleted == 0 {
                DeleteFileResponse::not_found(format!("No file named \"{}\" in this project.", path.file_name.0))
            } else {
                DeleteFileResponse::NoContent
            })
        })
        .await
    }
}
