//! Account administration (admin only).

use axum::{Json, extract::State, http::StatusCode};
use minsheng_domain::{
    Role,
    accounts::{self, AccountChange, AccountView, NewAccount},
    entities::deputies,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    auth::Auth,
    error::ApiResult,
    extract::{ApiJson, ApiPath, ApiQuery},
    routes::{Page, Paging},
    state::AppState,
};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RoleDto {
    Admin,
    Deputy,
    Department,
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => RoleDto::Admin,
            Role::Deputy => RoleDto::Deputy,
            Role::Department => RoleDto::Department,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::Admin => Role::Admin,
            RoleDto::Deputy => Role::Deputy,
            RoleDto::Department => Role::Department,
        }
    }
}

/// A deputy (人大代表).
#[derive(Debug, Serialize, ToSchema)]
pub struct DeputyDto {
    pub id: Uuid,
    pub account_id: Uuid,
    pub deputy_code: String,
    pub name: String,
    /// Delegation (代表团) the deputy belongs to.
    pub delegation: String,
}

impl From<deputies::Model> for DeputyDto {
    fn from(d: deputies::Model) -> Self {
        Self {
            id: d.id,
            account_id: d.account_id,
            deputy_code: d.deputy_code,
            name: d.name,
            delegation: d.delegation,
        }
    }
}

/// An account. Never contains password material.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountDto {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// The account's roles (one per account today).
    pub roles: Vec<RoleDto>,
    /// For department accounts: the responsible department.
    pub department: Option<String>,
    pub disabled: bool,
    /// True while the account holds a temporary password that must be changed first.
    pub must_change_password: bool,
    /// For deputy accounts: the deputy.
    pub deputy: Option<DeputyDto>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<AccountView> for AccountDto {
    fn from(a: AccountView) -> Self {
        Self {
            id: a.id,
            username: a.username,
            display_name: a.display_name,
            roles: vec![a.role.into()],
            department: a.department,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            deputy: a.deputy.map(Into::into),
            created_at: a.created_at,
        }
    }
}

/// Roles an account can be created with here.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NewAccountRole {
    Admin,
    Department,
}

#[derive(Deserialize, ToSchema)]
pub struct CreateAccountRequest {
    #[schema(pattern = r"^[A-Za-z0-9._-]{3,64}$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub display_name: String,
    /// Deputies are created under `/api/v1/deputies`, which records the deputy too.
    pub role: NewAccountRole,
    /// Required for `department` accounts, refused for others.
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub department: Option<String>,
}

/// An account just created or reset, with its one-time password.
#[derive(Serialize, ToSchema)]
pub struct AccountWithPassword {
    pub account: AccountDto,
    /// Shown once; the holder must change it at first login. Null when the password was not reset.
    pub initial_password: Option<String>,
}

#[derive(Deserialize, ToSchema)]
pub struct UpdateAccountRequest {
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub display_name: Option<String>,
    /// True disables the account at once (its tokens stop working); false enables it again.
    pub disabled: Option<bool>,
    /// Department accounts only.
    #[schema(min_length = 1, max_length = 100, pattern = "one-line")]
    pub department: Option<String>,
    /// True issues a new temporary password, returned once.
    #[serde(default)]
    pub reset_password: bool,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountFilter {
    pub role: Option<RoleDto>,
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u64>,
    #[param(minimum = 0, maximum = 1_000_000_000)]
    pub offset: Option<u64>,
}

/// Create an admin or department account. Roles: admin.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), request_body = CreateAccountRequest, responses(
    (status = 201, body = AccountWithPassword),
    (status = 409, description = "username taken", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "a rule across fields that the schema does not state: `department_required` (a department account needs its department), `department_not_allowed` (other roles have none); or `invalid_body`, `invalid_text`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn create_account(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiJson(req): ApiJson<CreateAccountRequest>,
) -> ApiResult<(StatusCode, Json<AccountWithPassword>)> {
    let input = NewAccount {
        username: req.username,
        display_name: req.display_name,
        role: match req.role {
            NewAccountRole::Admin => Role::Admin,
            NewAccountRole::Department => Role::Department,
        },
        department: req.department,
    };
    let (account, password) = accounts::create_account(
        &state.db,
        accounts::Credentials::OneTime(&state.hasher),
        &actor,
        input,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(AccountWithPassword {
            account: account.into(),
            initial_password: Some(password),
        }),
    ))
}

/// List accounts, by username. Roles: admin.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])), params(AccountFilter), responses(
    (status = 200, body = Page<AccountDto>),
))]
pub async fn list_accounts(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiQuery(q): ApiQuery<AccountFilter>,
) -> ApiResult<Json<Page<AccountDto>>> {
    let (limit, offset) = Paging {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let page =
        accounts::list_accounts(&state.db, &actor, q.role.map(Into::into), limit, offset).await?;
    Ok(Json(Page {
        items: page.items.into_iter().map(Into::into).collect(),
        total: page.total,
    }))
}

/// One account. Roles: admin.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = AccountDto),
))]
pub async fn get_account(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AccountDto>> {
    Ok(Json(
        accounts::read_account(&state.db, &actor, id).await?.into(),
    ))
}

/// Rename, disable, re-enable, or reset the password of an account. Roles: admin.
#[utoipa::path(patch, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UpdateAccountRequest, responses(
    (status = 200, body = AccountWithPassword),
    (status = 409, description = "an admin cannot disable themself", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`not_a_department_account` (only a department account has a department), `invalid_text`, `invalid_body`", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn update_account(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateAccountRequest>,
) -> ApiResult<Json<AccountWithPassword>> {
    let change = AccountChange {
        display_name: req.display_name,
        disabled: req.disabled,
        department: req.department,
        reset_password: req.reset_password,
    };
    let (account, password) =
        accounts::update_account(&state.db, &state.hasher, &actor, id, change).await?;
    tracing::info!(account.id = %id, by = %actor.account_id, "account updated");
    Ok(Json(AccountWithPassword {
        account: account.into(),
        initial_password: password,
    }))
}

/// How many client addresses were waiting before the throttle was lifted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThrottleLifted {
    pub addresses: u64,
}

/// Lift an account's login throttle. Roles: admin.
///
/// Failed logins slow down the address they come from (1 s, 2 s, 4 s … up to 15 minutes, never a
/// lock); this forgets them at once for every address, e.g. when a deputy at the hall's shared
/// Wi-Fi must wait because someone else kept guessing. A password reset does the same.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}/login-failures", tag = "accounts", security(("bearer" = [])), params(("id" = Uuid, Path)), responses(
    (status = 200, body = ThrottleLifted),
    (status = 403, description = "not an admin", body = crate::error::Problem, content_type = "application/problem+json"),
    (status = 404, description = "no such account", body = crate::error::Problem, content_type = "application/problem+json"),
))]
pub async fn lift_login_throttle(
    State(state): State<AppState>,
    Auth(actor): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ThrottleLifted>> {
    let addresses = minsheng_domain::throttle::lift(&state.db, &actor, id).await?;
    tracing::info!(account.id = %id, by = %actor.account_id, addresses, "login throttle lifted");
    Ok(Json(ThrottleLifted { addresses }))
}
