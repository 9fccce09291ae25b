//! Accounts and deputies: creation one by one or by CSV import, listing, disabling, password resets,
//! and the first admin.

use crate::error::ErrorCode;
use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

pub use crate::text::{Page, parse_text};

use crate::{
    Actor, Role, db,
    entities::{accounts, deputies},
    error::{Error, FieldError, Result},
    login_state::{clear_failures, revoke_all_refresh_tokens},
    passwords::{self, PasswordHasher},
    vocabulary::OversightKind,
    votes::oversight,
};

/// An account as shown to an admin or to its owner. Never carries the password hash.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub deputy: Option<deputies::Model>,
    pub created_at: chrono::DateTime<Utc>,
}

impl AccountView {
    pub fn new(a: accounts::Model, deputy: Option<deputies::Model>) -> Self {
        Self {
            id: a.id,
            role: a.role,
            username: a.username,
            display_name: a.display_name,
            department: a.department,
            disabled: a.disabled,
            must_change_password: a.must_change_password,
            deputy,
            created_at: a.created_at,
        }
    }
}

/// Checked username: 3 to 64 characters of `A-Z a-z 0-9 . _ -` (the published pattern
/// `^[A-Za-z0-9._-]{3,64}$`), stored in lower case so it is easy to type on a phone.
pub fn parse_username(field: &str, raw: &str) -> Result<String> {
    let u = raw.to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    if !(3..=64).contains(&u.chars().count()) || !ok_chars {
        return Err(Error::invalid_field(
            ErrorCode::InvalidUsername,
            field,
            "a username has 3 to 64 characters: letters, digits, '.', '_' or '-'",
        ));
    }
    Ok(u)
}

pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department: Option<String>,
}

async fn username_taken(db: &impl ConnectionTrait, username: &str) -> Result<bool> {
    Ok(accounts::Entity::find()
        .filter(accounts::Column::Username.eq(username))
        .count(db)
        .await?
        > 0)
}

fn account_row(
    id: Uuid,
    username: String,
    display_name: String,
    role: Role,
    department: Option<String>,
    password_hash: String,
    temporary: bool,
) -> accounts::ActiveModel {
    let now = Utc::now();
    accounts::ActiveModel {
        id: Set(id),
        username: Set(username),
        display_name: Set(display_name),
        role: Set(role),
        department: Set(department),
        password_hash: Set(password_hash),
        must_change_password: Set(temporary),
        disabled: Set(false),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

fn map_unique(e: sea_orm::DbErr, what: &str) -> Error {
    if db::is_unique_violation(&e) {
        Error::conflict(ErrorCode::AlreadyExists, format!("{what} already exists"))
    } else {
        Error::Db(e)
    }
}

/// Creates an admin or department account; with [`Credentials::OneTime`] its password is random,
/// temporary and returned once.
pub async fn create_account(
    db: &DatabaseConnection,
    credentials: Credentials<'_>,
    actor: &Actor,
    input: NewAccount,
) -> Result<(AccountView, String)> {
    actor.require_admin()?;
    let username = parse_username("username", &input.username)?;
    let display_name = parse_text("display_name", &input.display_name, 100)?;
    let department = match (input.role, input.department.as_deref()) {
        (Role::Deputy, _) => {
            return Err(Error::invalid_field(
                ErrorCode::UseDeputiesEndpoint,
                "role",
                "deputy accounts are created with POST /api/v1/deputies, which records the deputy too",
            ));
        }
        (Role::Department, Some(d)) => Some(parse_text("department", d, 100)?),
        (Role::Department, None) => {
            return Err(Error::invalid_field(
                ErrorCode::DepartmentRequired,
                "department",
                "a department account names its department",
            ));
        }
        (Role::Admin, None) => None,
        (Role::Admin, Some(_)) => {
            return Err(Error::invalid_field(
                ErrorCode::DepartmentNotAllowed,
                "department",
                "only department accounts have a department",
            ));
        }
    };
    if username_taken(db, &username).await? {
        return Err(Error::conflict(
            ErrorCode::UsernameTaken,
            "that username is taken",
        ));
    }
    let (password, hash, temporary) = match credentials {
        Credentials::OneTime(hasher) => {
            let password = passwords::random_password();
            let hash = hasher.hash_one_time(&password).await?;
            (password, hash, true)
        }
        Credentials::Shared { password, hash } => (password, hash, false),
    };
    let row = account_row(
        Uuid::new_v4(),
        username,
        display_name,
        input.role,
        department,
        hash,
        temporary,
    );
    let txn = db::begin_write(db).await?;
    let model = row
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "an account with that username"))?;
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("account.create", "account", model.id).with(serde_json::json!({
            "username": model.username, "role": model.role.as_str(), "department": model.department,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok((AccountView::new(model, None), password))
}

/// One account, for an admin.
pub async fn read_account(
    db: &impl ConnectionTrait,
    actor: &Actor,
    id: Uuid,
) -> Result<AccountView> {
    actor.require_admin()?;
    get_account(db, id).await
}

pub async fn get_account(db: &impl ConnectionTrait, id: Uuid) -> Result<AccountView> {
    let a = accounts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    let d = deputies::Entity::find()
        .filter(deputies::Column::AccountId.eq(id))
        .one(db)
        .await?;
    Ok(AccountView::new(a, d))
}

pub async fn list_accounts(
    db: &DatabaseConnection,
    actor: &Actor,
    role: Option<Role>,
    limit: u64,
    offset: u64,
) -> Result<Page<AccountView>> {
    actor.require_admin()?;
    let mut q = accounts::Entity::find();
    if let Some(r) = role {
        q = q.filter(accounts::Column::Role.eq(r.as_str()));
    }
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(accounts::Column::Username)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
    let deps = deputies::Entity::find()
        .filter(deputies::Column::AccountId.is_in(ids))
        .all(db)
        .await?;
    let items = rows
        .into_iter()
        .map(|a| {
            let d = deps.iter().find(|d| d.account_id == a.id).cloned();
            AccountView::new(a, d)
        })
        .collect();
    Ok(Page { items, total })
}

#[derive(Default)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub disabled: Option<bool>,
    pub department: Option<String>,
    pub reset_password: bool,
}

/// Applies an admin's change. A reset password is temporary and returned once; disabling revokes
/// every refresh token, and the account's access tokens stop working on their next use.
pub async fn update_account(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    actor: &Actor,
    id: Uuid,
    change: AccountChange,
) -> Result<(AccountView, Option<String>)> {
    actor.require_admin()?;
    let current = accounts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| Error::not_found("account"))?;
    if change.disabled == Some(true) && id == actor.account_id {
        return Err(Error::conflict(
            ErrorCode::CannotDisableSelf,
            "an admin cannot disable their own account",
        ));
    }
    let mut row: accounts::ActiveModel = current.clone().into();
    if let Some(name) = &change.display_name {
        row.display_name = Set(parse_text("display_name", name, 100)?);
    }
    if let Some(dep) = &change.department {
        if current.role != Role::Department {
            return Err(Error::invalid_field(
                ErrorCode::NotADepartmentAccount,
                "department",
                "only department accounts have a department",
            ));
        }
        row.department = Set(Some(parse_text("department", dep, 100)?));
    }
    if let Some(disabled) = change.disabled {
        row.disabled = Set(disabled);
    }
    let mut new_password = None;
    if change.reset_password {
        let password = passwords::random_password();
        row.password_hash = Set(hasher.hash_one_time(&password).await?);
        row.must_change_password = Set(true);
        new_password = Some(password);
    }
    row.updated_at = Set(Utc::now());
    let txn = db::begin_write(db).await?;
    row.update(&txn).await?;
    if change.disabled == Some(true) || change.reset_password {
        revoke_all_refresh_tokens(&txn, id).await?;
    }
    if change.reset_password {
        clear_failures(&txn, &current.username).await?;
    }
    // Shown with the results of any vote open now, so the scrutineers see who could have voted in
    // the deputy's place; written with the change, never after it.
    let now = Utc::now();
    if change.reset_password {
        oversight::record_account_change(&txn, id, OversightKind::PasswordReset, now).await?;
    }
    if change.disabled == Some(true) && !current.disabled {
        oversight::record_account_change(&txn, id, OversightKind::Disabled, now).await?;
    }
    crate::audit::record(
        &txn,
        Some(actor),
        crate::audit::Event::new("account.update", "account", id).with(serde_json::json!({
            "display_name": change.display_name,
            "department": change.department,
            "disabled": change.disabled,
            "password_reset": change.reset_password,
        })),
    )
    .await?;
    txn.commit().await?;
    Ok((get_account(db, id).await?, new_password))
}

/// A deputy to create: checked fields, before anything is stored.
#[derive(Debug, Clone)]
pub struct DeputyInput {
    pub deputy_code: String,
    pub name: String,
    pub delegation: String,
    pub username: String,
}

impl DeputyInput {
    /// Parses the fields; a username left out (`None`) defaults to the deputy code, one given must
    /// be valid (an empty one is refused, as the published pattern says).
    pub fn parse(code: &str, name: &str, delegation: &str, username: Option<&str>) -> Result<Self> {
        let deputy_code = code.to_owned();
        let code_ok = deputy_code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !(3..=32).contains(&deputy_code.len()) || !code_ok {
            return Err(Error::invalid_field(
                ErrorCode::InvalidDeputyCode,
                "deputy_code",
                "a deputy code has 3 to 32 characters: letters, digits, '.', '_' or '-'",
            ));
        }
        let username = match username {
            Some(u) => parse_username("username", u)?,
            None => parse_username("username", &deputy_code)?,
        };
        Ok(Self {
            deputy_code,
            name: parse_text("name", name, 100)?,
            delegation: parse_text("delegation", delegation, 100)?,
            username,
        })
    }
}

/// A deputy just created, with the one-time password to hand over.
pub struct CreatedDeputy {
    pub deputy: deputies::Model,
    pub username: String,
    pub initial_password: String,
}

/// A deputy as the admin typed it: code, name, delegation, and optionally a username.
pub struct NewDeputy<'a> {
    pub deputy_code: &'a str,
    pub name: &'a str,
    pub delegation: &'a str,
    pub username: Option<&'a str>,
}

pub async fn create_deputy(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    actor: &Actor,
    d: NewDeputy<'_>,
) -> Result<CreatedDeputy> {
    actor.require_admin()?;
    let input = DeputyInput::parse(d.deputy_code, d.name, d.delegation, d.username)?;
    let mut created = create_deputies(
        db,
        Some(actor),
        Credentials::OneTime(hasher),
        vec![(None, input)],
    )
    .await?;
    Ok(created.remove(0))
}

/// Parses a CSV of `deputy_code,name,delegation[,username]` (a header row is allowed) and creates
/// every deputy or none: the first bad row is named in the error and nothing is stored. A file of
/// more than `max_rows` deputies is refused whole (`too_many_rows`) before any account is made,
/// so one upload cannot hold the service's hashing for minutes.
pub async fn import_deputies_csv(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    actor: &Actor,
    csv_text: &str,
    max_rows: usize,
) -> Result<Vec<CreatedDeputy>> {
    actor.require_admin()?;
    // Counted before parsing: a huge file is refused at the cost of counting its lines.
    let lines = csv_text.lines().filter(|l| !l.trim().is_empty()).count();
    if lines > max_rows + 1 {
        return Err(too_many_rows(lines - 1, max_rows));
    }
    let rows = parse_deputies_csv(csv_text)?;
    if rows.len() > max_rows {
        return Err(too_many_rows(rows.len(), max_rows));
    }
    create_deputies(db, Some(actor), Credentials::OneTime(hasher), rows).await
}

fn too_many_rows(rows: usize, max_rows: usize) -> Error {
    Error::invalid(
        ErrorCode::TooManyRows,
        format!(
            "the file has {rows} deputy rows; at most {max_rows} are imported at once \
             (MINSHENG_IMPORT_MAX_ROWS): split the file"
        ),
    )
}

/// Prefixes an error with the CSV row it came from, keeping its kind (invalid or conflict).
fn row_error(line: u64, e: Error) -> Error {
    let field = format!("row {line}");
    match e {
        Error::Conflict { code, message } => Error::Conflict {
            code,
            message: format!("{field}: {message}"),
        },
        Error::Invalid { code, message, .. } => Error::Invalid {
            code,
            message: format!("{field}: {message}"),
            fields: vec![FieldError { field, message }],
        },
        other => other,
    }
}

/// A column of the deputy CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    DeputyCode,
    Name,
    Delegation,
    Username,
}

impl Column {
    /// The names a header may give a column: Chinese, as a congress office's sheet has them, or
    /// English (any case).
    fn from_header(cell: &str) -> Option<Column> {
        match cell.to_lowercase().as_str() {
            "代表编号" | "deputy_code" => Some(Column::DeputyCode),
            "姓名" | "name" => Some(Column::Name),
            "代表团" | "delegation" => Some(Column::Delegation),
            "用户名" | "username" => Some(Column::Username),
            _ => None,
        }
    }
}

const HEADER_NAMES: &str =
    "代表编号 (deputy_code), 姓名 (name), 代表团 (delegation), 用户名 (username)";

/// Reads a header row: `None` when no cell is a column name (the row is data); otherwise the
/// column of each cell (`None` for a blank cell, whose column is ignored), or an error naming an
/// unknown or repeated column, or a required one that is missing.
fn header_columns(record: &csv::StringRecord) -> Result<Option<Vec<Option<Column>>>> {
    if !record.iter().any(|c| Column::from_header(c).is_some()) {
        return Ok(None);
    }
    let mut columns = Vec::with_capacity(record.len());
    for cell in record.iter() {
        if cell.is_empty() {
            columns.push(None);
            continue;
        }
        let Some(c) = Column::from_header(cell) else {
            return Err(Error::invalid_field(
                ErrorCode::UnknownColumn,
                cell,
                format!("unknown column \"{cell}\"; the columns are {HEADER_NAMES}"),
            ));
        };
        if columns.contains(&Some(c)) {
            return Err(Error::invalid_field(
                ErrorCode::DuplicateColumn,
                cell,
                format!("column \"{cell}\" appears twice"),
            ));
        }
        columns.push(Some(c));
    }
    for (required, name) in [
        (Column::DeputyCode, "代表编号 (deputy_code)"),
        (Column::Name, "姓名 (name)"),
        (Column::Delegation, "代表团 (delegation)"),
    ] {
        if !columns.contains(&Some(required)) {
            return Err(Error::invalid(
                ErrorCode::MissingColumn,
                format!("the header has no {name} column"),
            ));
        }
    }
    Ok(Some(columns))
}

/// Rows with their line numbers. Separate from storage so the format rules are unit-tested.
///
/// The first row may be a header naming the columns, in Chinese (`代表编号,姓名,代表团,用户名`) or
/// English (`deputy_code,name,delegation,username`), in any order, `用户名` optional; an unknown
/// column name is refused (422 `unknown_column`). Without a header the columns are positional:
/// code, name, delegation and optionally username. A UTF-8 byte order mark is ignored; a blank
/// username defaults to the deputy code.
pub fn parse_deputies_csv(text: &str) -> Result<Vec<(Option<u64>, DeputyInput)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut out = Vec::new();
    let mut columns: Option<Vec<Option<Column>>> = None;
    let mut first = true;
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 1;
        let record = record
            .map_err(|e| row_error(line, Error::invalid(ErrorCode::InvalidCsv, e.to_string())))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if std::mem::take(&mut first)
            && let Some(found) = header_columns(&record).map_err(|e| row_error(line, e))?
        {
            columns = Some(found);
            continue;
        }
        let fields = match &columns {
            Some(cols) => {
                if record.len() > cols.len() {
                    return Err(row_error(
                        line,
                        Error::invalid(
                            ErrorCode::InvalidCsv,
                            format!(
                                "{} fields, but the header names {} columns",
                                record.len(),
                                cols.len()
                            ),
                        ),
                    ));
                }
                let get = |want: Column| {
                    cols.iter()
                        .position(|c| *c == Some(want))
                        .and_then(|at| record.get(at))
                        .unwrap_or("")
                };
                [
                    get(Column::DeputyCode),
                    get(Column::Name),
                    get(Column::Delegation),
                    get(Column::Username),
                ]
            }
            None => {
                if !(3..=4).contains(&record.len()) {
                    return Err(row_error(
                        line,
                        Error::invalid(
                            ErrorCode::InvalidCsv,
                            format!("expected 3 or 4 fields, found {}", record.len()),
                        ),
                    ));
                }
                [
                    &record[0],
                    &record[1],
                    &record[2],
                    record.get(3).unwrap_or(""),
                ]
            }
        };
        let [code, name, delegation, username] = fields;
        let username = Some(username).filter(|u| !u.is_empty());
        let input =
            DeputyInput::parse(code, name, delegation, username).map_err(|e| row_error(line, e))?;
        out.push((Some(line), input));
    }
    if out.is_empty() {
        return Err(Error::invalid(
            ErrorCode::EmptyCsv,
            "the file has no deputy rows",
        ));
    }
    Ok(out)
}

/// How new deputy accounts get their passwords.
pub enum Credentials<'a> {
    /// A random temporary password each, to be changed at first login (the normal case).
    OneTime(&'a PasswordHasher),
    /// One permanent password for all, already hashed: only for the demo data set.
    Shared { password: String, hash: String },
}

/// Stores deputies in one transaction after checking every row against the file and the database.
pub async fn create_deputies(
    db: &DatabaseConnection,
    actor: Option<&Actor>,
    credentials: Credentials<'_>,
    rows: Vec<(Option<u64>, DeputyInput)>,
) -> Result<Vec<CreatedDeputy>> {
    let wrap = |line: Option<u64>, e: Error| match line {
        Some(l) => row_error(l, e),
        None => e,
    };
    let (mut codes, mut names) = (HashSet::new(), HashSet::new());
    for (line, r) in &rows {
        if !codes.insert(r.deputy_code.clone()) {
            return Err(wrap(
                *line,
                Error::conflict(
                    ErrorCode::DuplicateDeputyCode,
                    "deputy code repeated in the file",
                ),
            ));
        }
        if !names.insert(r.username.clone()) {
            return Err(wrap(
                *line,
                Error::conflict(ErrorCode::UsernameTaken, "username repeated in the file"),
            ));
        }
    }
    for chunk in rows.chunks(500) {
        let codes: Vec<&str> = chunk.iter().map(|(_, r)| r.deputy_code.as_str()).collect();
        let users: Vec<&str> = chunk.iter().map(|(_, r)| r.username.as_str()).collect();
        if let Some(d) = deputies::Entity::find()
            .filter(deputies::Column::DeputyCode.is_in(codes))
            .one(db)
            .await?
        {
            let line = chunk
                .iter()
                .find(|(_, r)| r.deputy_code == d.deputy_code)
                .and_then(|(l, _)| *l);
            return Err(wrap(
                line,
                Error::conflict(
                    ErrorCode::DuplicateDeputyCode,
                    format!("deputy code {} already exists", d.deputy_code),
                ),
            ));
        }
        if let Some(a) = accounts::Entity::find()
            .filter(accounts::Column::Username.is_in(users))
            .one(db)
            .await?
        {
            let line = chunk
                .iter()
                .find(|(_, r)| r.username == a.username)
                .and_then(|(l, _)| *l);
            return Err(wrap(
                line,
                Error::conflict(
                    ErrorCode::UsernameTaken,
                    format!("username {} is taken", a.username),
                ),
            ));
        }
    }

    // Hash before the write transaction: hundreds of argon2 runs must not hold the write lock.
    let (passwords, hashes, temporary) = match credentials {
        Credentials::OneTime(hasher) => {
            let passwords: Vec<String> =
                rows.iter().map(|_| passwords::random_password()).collect();
            let hashes = futures_util::future::try_join_all(
                passwords.iter().map(|p| hasher.hash_one_time(p)),
            )
            .await?;
            (passwords, hashes, true)
        }
        Credentials::Shared { password, hash } => {
            (vec![password; rows.len()], vec![hash; rows.len()], false)
        }
    };

    let now = Utc::now();
    let txn = db::begin_write(db).await?;
    let mut created = Vec::with_capacity(rows.len());
    for (((_, r), password), hash) in rows.into_iter().zip(passwords).zip(hashes) {
        let account_id = Uuid::new_v4();
        account_row(
            account_id,
            r.username.clone(),
            r.name.clone(),
            Role::Deputy,
            None,
            hash,
            temporary,
        )
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "a deputy with that code or username"))?;
        let deputy = deputies::ActiveModel {
            id: Set(Uuid::new_v4()),
            account_id: Set(account_id),
            deputy_code: Set(r.deputy_code),
            name: Set(r.name),
            delegation: Set(r.delegation),
            created_at: Set(now),
        }
        .insert(&txn)
        .await
        .map_err(|e| map_unique(e, "a deputy with that code or username"))?;
        created.push(CreatedDeputy {
            deputy,
            username: r.username,
            initial_password: password,
        });
    }
    let codes: Vec<&str> = created
        .iter()
        .map(|c| c.deputy.deputy_code.as_str())
        .collect();
    crate::audit::record(
        &txn,
        actor,
        crate::audit::Event {
            action: "deputies.create",
            object_kind: "deputy",
            object_id: None,
            detail: serde_json::json!({"deputy_codes": codes}),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn list_deputies(
    db: &DatabaseConnection,
    actor: &Actor,
    limit: u64,
    offset: u64,
) -> Result<Page<deputies::Model>> {
    if actor.role == Role::Department {
        return Err(Error::forbidden(
            ErrorCode::Forbidden,
            "departments do not read the deputy list",
        ));
    }
    let q = deputies::Entity::find();
    let total = q.clone().count(db).await?;
    let items = q
        .order_by_asc(deputies::Column::DeputyCode)
        .limit(limit)
        .offset(offset)
        .all(db)
        .await?;
    Ok(Page { items, total })
}

/// Whether an admin exists; if not, creates `admin` with the given password or a random one.
/// Returns the random password when one was made, so the caller can print it once.
pub async fn ensure_first_admin(
    db: &DatabaseConnection,
    hasher: &PasswordHasher,
    password: Option<&str>,
) -> Result<Option<String>> {
    let any_admin = accounts::Entity::find()
        .filter(accounts::Column::Role.eq(Role::Admin))
        .count(db)
        .await?
        > 0;
    if any_admin {
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(p) => {
            passwords::check_policy("MINSHENG_ADMIN_PASSWORD", p)?;
            (p.to_owned(), false)
        }
        None => (passwords::random_password(), true),
    };
    let hash = hasher.hash(&password).await?;
    let row = account_row(
        Uuid::new_v4(),
        "admin".into(),
        "Administrator".into(),
        Role::Admin,
        None,
        hash,
        false,
    );
    // Two nodes starting at once on one database: the unique username makes only one admin.
    match db
        .transaction::<_, _, sea_orm::DbErr>(|t| Box::pin(async move { row.insert(t).await }))
        .await
    {
        Ok(_) => Ok(generated.then_some(password)),
        Err(sea_orm::TransactionError::Transaction(e)) if db::is_unique_violation(&e) => Ok(None),
        Err(sea_orm::TransactionError::Transaction(e))
        | Err(sea_orm::TransactionError::Connection(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_parse_with_header_and_optional_username() {
        let rows = parse_deputies_csv(
            "deputy_code,name,delegation,username\nD001,张三,城关镇\nD002,李四,东城,lisi\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].1.username, "d001");
        assert_eq!(rows[0].0, Some(2));
        assert_eq!(rows[1].1.username, "lisi");
    }

    #[test]
    fn csv_header_in_chinese_or_english_any_order() {
        for text in [
            "代表编号,姓名,代表团,用户名\nD001,张三,城关镇,\nD002,李四,东城,lisi\n",
            "\u{feff}代表编号,姓名,代表团,用户名\r\nD001,张三,城关镇,\r\nD002,李四,东城,lisi\r\n",
            "姓名,用户名,代表团,代表编号\n张三,,城关镇,D001\n李四,lisi,东城,D002\n",
            "Name,Delegation,Deputy_Code\n张三,城关镇,D001\n李四,东城,D002\n",
            "D001,张三,城关镇\nD002,李四,东城,lisi\n",
        ] {
            let rows = parse_deputies_csv(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            let got: Vec<(&str, &str, &str)> = rows
                .iter()
                .map(|(_, r)| {
                    (
                        r.deputy_code.as_str(),
                        r.name.as_str(),
                        r.delegation.as_str(),
                    )
                })
                .collect();
            assert_eq!(
                got,
                [("D001", "张三", "城关镇"), ("D002", "李四", "东城")],
                "{text:?}"
            );
            assert_eq!(rows[0].1.username, "d001", "{text:?}");
            if text.contains("lisi") {
                assert_eq!(rows[1].1.username, "lisi", "{text:?}");
            }
        }
        // A header row keeps its line number: data starts at row 2.
        let err = parse_deputies_csv("代表编号,姓名,代表团\nD001,,城关镇\n").unwrap_err();
        assert!(err.to_string().starts_with("row 2:"), "{err}");
    }

    #[test]
    fn csv_header_with_an_unknown_or_missing_column_is_refused() {
        let err =
            parse_deputies_csv("代表编号,姓名,代表团,手机号\nD001,张三,城关镇,139\n").unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Invalid {
                    code: "unknown_column",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("手机号"), "{err}");
        let err = parse_deputies_csv("代表编号,姓名\nD001,张三\n").unwrap_err();
        assert!(err.to_string().contains("代表团"), "{err}");
        let err = parse_deputies_csv("姓名,姓名,代表团,代表编号\n").unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Invalid {
                    code: "duplicate_column",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = parse_deputies_csv("代表编号,姓名,代表团\nD001,张三,城关镇,x\n").unwrap_err();
        assert!(err.to_string().starts_with("row 2:"), "{err}");
    }

    #[test]
    fn deputy_fields_follow_the_published_patterns() {
        assert!(DeputyInput::parse("D001", "张三", "城关镇", Some("")).is_err());
        assert!(DeputyInput::parse("D001", "张三", "城关镇", Some("ab")).is_err());
        assert_eq!(
            DeputyInput::parse("D001", "张三", "城关镇", None)
                .unwrap()
                .username,
            "d001"
        );
        assert!(DeputyInput::parse(" D001", "张三", "城关镇", None).is_err());
        assert!(DeputyInput::parse("D001", &"张".repeat(101), "城关镇", None).is_err());
        assert!(DeputyInput::parse("D001", &format!(" {}", "张".repeat(100)), "x", None).is_err());
    }

    #[test]
    fn csv_bad_row_is_named() {
        let err = parse_deputies_csv("D001,张三,城关镇\nD002,,东城\n").unwrap_err();
        assert!(err.to_string().starts_with("row 2:"), "{err}");
        let err = parse_deputies_csv("D001,张三\n").unwrap_err();
        assert!(err.to_string().contains("row 1"), "{err}");
        assert!(parse_deputies_csv("\n\n").is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(parse_username("u", "Alice_1").unwrap(), "alice_1");
        assert!(
            parse_username("u", " alice").is_err(),
            "no spaces, as the pattern says"
        );
        assert!(parse_username("u", "").is_err());
        assert!(parse_username("u", &"a".repeat(65)).is_err());
        assert!(parse_username("u", &"a".repeat(64)).is_ok());
        assert!(parse_username("u", "ab").is_err());
        assert!(parse_username("u", "张三").is_err());
    }
}
