//! Who is calling, and the role checks every use case starts with.

use crate::error::ErrorCode;
use uuid::Uuid;

use crate::error::{Error, Result};

pub use crate::vocabulary::Role;

/// An authenticated, enabled account, loaded fresh from the database on every request so that
/// disabling an account takes effect at once on every node.
#[derive(Debug, Clone)]
pub struct Actor {
    pub account_id: Uuid,
    pub username: String,
    pub role: Role,
    /// Set when the role is deputy.
    pub deputy_id: Option<Uuid>,
    /// Set when the role is department: the responsible department (责任单位) it reports for.
    pub department: Option<String>,
    /// A temporary password (imported or reset) must be changed before anything else.
    pub must_change_password: bool,
}

impl Actor {
    pub fn require_admin(&self) -> Result<()> {
        self.require(Role::Admin)
    }

    pub fn require(&self, role: Role) -> Result<()> {
        if self.role == role {
            Ok(())
        } else {
            Err(Error::forbidden(
                ErrorCode::Forbidden,
                format!("this needs the {} role", role.as_str()),
            ))
        }
    }

    /// The deputy behind this account, or 403 for any other role.
    pub fn require_deputy(&self) -> Result<Uuid> {
        match (self.role, self.deputy_id) {
            (Role::Deputy, Some(id)) => Ok(id),
            _ => Err(Error::forbidden(
                ErrorCode::NotADeputy,
                "only deputies may do this",
            )),
        }
    }
}
