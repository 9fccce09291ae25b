//! The 督办 lists: what the office (or one unit, its own) must chase today — the 重点督办
//! suggestions with their leading official, those past a deadline, those due soon, and promises
//! not yet kept.

use chrono::NaiveDate;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{Status, View, list, promises};
use crate::{Actor, error::Result, vocabulary::Role};

/// "Due soon": an answer due within this many days, or an assignment within this many working
/// days.
pub const DUE_SOON_DAYS: i64 = 15;
pub const DUE_SOON_WORKING_DAYS: i64 = 2;

/// A promise not yet kept.
#[derive(Debug, Clone)]
pub struct OpenPromise {
    pub suggestion_id: Uuid,
    pub number: i64,
    pub title: String,
    pub lead_unit: Option<String>,
    pub answer_id: Uuid,
    /// Its position in the answer (from 0).
    pub idx: i32,
    pub what: String,
    pub by: NaiveDate,
    /// Days left (negative: late).
    pub days_left: i64,
}

/// The lists, each in deadline order.
#[derive(Debug, Clone, Default)]
pub struct Board {
    /// 重点督办, still being handled.
    pub key: Vec<View>,
    pub overdue: Vec<View>,
    pub due_soon: Vec<View>,
    pub promises: Vec<OpenPromise>,
}

/// Days left on whichever deadline runs (assignment in working days, answer in days).
fn days_left(v: &View) -> Option<i64> {
    v.assign_days_left.or(v.answer_days_left)
}

/// The caller's lists: the office's cover every suggestion, a unit's those assigned to it.
/// Roles: admin or department.
pub async fn board(db: &DatabaseConnection, actor: &Actor) -> Result<Board> {
    if actor.role != Role::Admin {
        actor.require(Role::Department)?;
    }
    let today = crate::clock::today();
    let mut b = Board::default();
    for v in list(db, Some(actor), false).await? {
        let open = !matches!(
            v.status,
            Status::Closed | Status::Returned | Status::Withdrawn
        );
        if v.s.key_supervision && open {
            b.key.push(v.clone());
        }
        let soon = v
            .assign_days_left
            .is_some_and(|d| d <= DUE_SOON_WORKING_DAYS)
            || v.answer_days_left.is_some_and(|d| d <= DUE_SOON_DAYS);
        match days_left(&v) {
            Some(d) if d < 0 => b.overdue.push(v.clone()),
            Some(_) if soon => b.due_soon.push(v.clone()),
            _ => {}
        }
        for a in &v.answers {
            for (i, p) in promises(a).into_iter().enumerate() {
                let idx = i as i32;
                if v.kept.iter().any(|k| k.answer_id == a.id && k.idx == idx) {
                    continue;
                }
                b.promises.push(OpenPromise {
                    suggestion_id: v.s.id,
                    number: v.s.number,
                    title: v.s.title.clone(),
                    lead_unit: v.s.lead_unit.clone(),
                    answer_id: a.id,
                    idx,
                    what: p.what,
                    by: p.by,
                    days_left: (p.by - today).num_days(),
                });
            }
        }
    }
    let by_deadline = |a: &View, b: &View| days_left(a).cmp(&days_left(b));
    b.key.sort_by(by_deadline);
    b.overdue.sort_by(by_deadline);
    b.due_soon.sort_by(by_deadline);
    b.promises.sort_by_key(|p| (p.by, p.number));
    Ok(b)
}
