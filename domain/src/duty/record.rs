//! A deputy's duty record for a year: every line gathered from what Minsheng holds, with the
//! points the year's rules give it, and the total. Nothing here is typed in twice: attendance comes
//! from the roster's check-ins and marks (leave from the office's leave entries), participation
//! from the vote and rating receipts (never the ballot), suggestions from their signers,
//! inspections from the supervision groups, reception days from the liaison stations.
//!
//! An **inspection** counts for the members of a supervision group of that year following the
//! inspected project whom its participants name, each name whole (or who recorded it). A line a correction
//! accepted as wrong or duplicate stays listed, marked excluded, and earns nothing.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{ActivityKind, rules};
use crate::{
    Actor,
    clock::china_date,
    entities::{
        congress_sessions, deputies, duty_activities, duty_corrections, evaluation_participation,
        evaluations, inspections, projects, reception_days, reception_duty, session_leave,
        session_roster, stations, suggestion_signers, suggestions, supervision_group_members,
        supervision_group_projects, supervision_groups, vote_participation, votes,
    },
    error::{Error, Result},
    vocabulary::Role,
};

/// One line of the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What the line stands for, stable across reads: `session:{id}`, `vote:{id}`,
    /// `rating:{id}`, `inspection:{id}`, `suggestion:{id}`, `reception:{id}`, `activity:{id}`.
    pub key: String,
    pub kind: ActivityKind,
    pub on: NaiveDate,
    pub title: String,
    /// Occurrences: 1, or the half days of leave.
    pub count: i32,
    /// The rule's points × count; 0 when excluded.
    pub points: i32,
    /// Struck by an accepted correction (it then earns 0): the office's note on it, empty when
    /// the office wrote none. Never the deputy's own reason, which may be private.
    pub excluded: Option<String>,
}

/// A deputy's year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub deputy_id: Uuid,
    pub year: i32,
    /// The rules' version applied; `None` when the office has set none (every line earns 0).
    pub rule_version: Option<i32>,
    /// In date order.
    pub lines: Vec<Line>,
    pub total: i32,
}

/// The deputy's record for `year`. Roles: admin; a deputy, their own. Errors: 404 for another
/// deputy's or an unknown deputy.
pub async fn of_deputy(
    db: &impl ConnectionTrait,
    actor: &Actor,
    deputy_id: Uuid,
    year: i32,
) -> Result<Record> {
    let allowed = match actor.role {
        Role::Admin => true,
        Role::Deputy => actor.deputy_id == Some(deputy_id),
        Role::Department => false,
    };
    if !allowed
        || deputies::Entity::find_by_id(deputy_id)
            .one(db)
            .await?
            .is_none()
    {
        return Err(Error::not_found("deputy"));
    }
    let mut all = gather(db, year, None, Some(deputy_id)).await?;
    Ok(all.remove(&deputy_id).unwrap_or(Record {
        deputy_id,
        year,
        rule_version: None,
        lines: Vec::new(),
        total: 0,
    }))
}

/// Every deputy's total for `year`, by deputy code. Roles: admin.
pub async fn totals(
    db: &impl ConnectionTrait,
    actor: &Actor,
    year: i32,
) -> Result<Vec<(deputies::Model, Record)>> {
    actor.require_admin()?;
    let mut records = gather(db, year, None, None).await?;
    let mut out: Vec<(deputies::Model, Record)> = deputies::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| {
            let r = records.remove(&d.id).unwrap_or(Record {
                deputy_id: d.id,
                year,
                rule_version: None,
                lines: Vec::new(),
                total: 0,
            });
            (d, r)
        })
        .collect();
    out.sort_by(|a, b| a.0.deputy_code.cmp(&b.0.deputy_code));
    Ok(out)
}

/// The records of `year` (lines dated up to `as_of` when given), for one deputy or all who have a
/// line, with the rules in force applied.
pub(crate) async fn gather(
    db: &impl ConnectionTrait,
    year: i32,
    as_of: Option<NaiveDate>,
    only: Option<Uuid>,
) -> Result<BTreeMap<Uuid, Record>> {
    let mut raw: Vec<(Uuid, Line)> = Vec::new();
    let keep = |d: &Uuid| only.is_none_or(|o| o == *d);
    let line = |key: String, kind, on, title: &str, count| Line {
        key,
        kind,
        on,
        title: title.to_owned(),
        count,
        points: 0,
        excluded: None,
    };

    // Sessions: attended, on leave, or absent.
    let sessions = congress_sessions::Entity::find()
        .filter(congress_sessions::Column::Year.eq(year))
        .all(db)
        .await?;
    let session_ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
    let leave: HashMap<(Uuid, Uuid), i32> = session_leave::Entity::find()
        .filter(session_leave::Column::SessionId.is_in(session_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| ((l.session_id, l.deputy_id), l.half_days))
        .collect();
    for r in session_roster::Entity::find()
        .filter(session_roster::Column::SessionId.is_in(session_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .filter(|r| keep(&r.deputy_id))
    {
        let Some(s) = sessions.iter().find(|s| s.id == r.session_id) else {
            continue;
        };
        let on = china_date(s.created_at);
        let key = format!("session:{}", s.id);
        let l = match (r.present, leave.get(&(s.id, r.deputy_id))) {
            (true, _) => line(key, ActivityKind::SessionAttended, on, &s.name, 1),
            (false, Some(&half_days)) => {
                line(key, ActivityKind::SessionLeave, on, &s.name, half_days)
            }
            (false, None) => line(key, ActivityKind::SessionAbsent, on, &s.name, 1),
        };
        raw.push((r.deputy_id, l));
    }

    // Votes and rating rounds taken part in: the receipts' participation rows only.
    let vote_rows = votes::Entity::find()
        .filter(votes::Column::SessionId.is_in(session_ids.clone()))
        .all(db)
        .await?;
    for p in vote_participation::Entity::find()
        .filter(vote_participation::Column::VoteId.is_in(vote_rows.iter().map(|v| v.id)))
        .all(db)
        .await?
        .into_iter()
        .filter(|p| keep(&p.deputy_id))
    {
        if let Some(v) = vote_rows.iter().find(|v| v.id == p.vote_id) {
            let on = china_date(v.opened_at.unwrap_or(v.created_at));
            let key = format!("vote:{}", v.id);
            raw.push((p.deputy_id, line(key, ActivityKind::Vote, on, &v.title, 1)));
        }
    }
    let rating_rows = evaluations::Entity::find()
        .filter(evaluations::Column::SessionId.is_in(session_ids))
        .all(db)
        .await?;
    for p in evaluation_participation::Entity::find()
        .filter(
            evaluation_participation::Column::EvaluationId.is_in(rating_rows.iter().map(|e| e.id)),
        )
        .all(db)
        .await?
        .into_iter()
        .filter(|p| keep(&p.deputy_id))
    {
        if let Some(e) = rating_rows.iter().find(|e| e.id == p.evaluation_id) {
            let on = china_date(e.opened_at.unwrap_or(e.created_at));
            let key = format!("rating:{}", e.id);
            raw.push((
                p.deputy_id,
                line(key, ActivityKind::Rating, on, &e.title, 1),
            ));
        }
    }

    // Inspections: members of the year's groups following the project, named among the
    // participants (or who recorded it).
    let (from, to) = year_bounds(year)?;
    let insp = inspections::Entity::find()
        .filter(inspections::Column::HeldOn.between(from, to))
        .all(db)
        .await?;
    if !insp.is_empty() {
        let groups: Vec<Uuid> = supervision_groups::Entity::find()
            .filter(supervision_groups::Column::Year.eq(year))
            .all(db)
            .await?
            .into_iter()
            .map(|g| g.id)
            .collect();
        let follows = supervision_group_projects::Entity::find()
            .filter(supervision_group_projects::Column::GroupId.is_in(groups.clone()))
            .all(db)
            .await?;
        let members = supervision_group_members::Entity::find()
            .filter(supervision_group_members::Column::GroupId.is_in(groups))
            .all(db)
            .await?;
        let people: HashMap<Uuid, deputies::Model> = deputies::Entity::find()
            .filter(deputies::Column::Id.is_in(members.iter().map(|m| m.deputy_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let titles: HashMap<Uuid, String> = projects::Entity::find()
            .filter(projects::Column::Id.is_in(insp.iter().map(|i| i.project_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.title))
            .collect();
        for i in &insp {
            let mut seen = Vec::new();
            for f in follows.iter().filter(|f| f.project_id == i.project_id) {
                for m in members.iter().filter(|m| m.group_id == f.group_id) {
                    let Some(d) = people.get(&m.deputy_id) else {
                        continue;
                    };
                    let named = names_in(&i.participants).any(|n| n == d.name)
                        || i.recorded_by == d.account_id;
                    if named && keep(&d.id) && !seen.contains(&d.id) {
                        seen.push(d.id);
                        let title = titles.get(&i.project_id).cloned().unwrap_or_default();
                        let key = format!("inspection:{}", i.id);
                        raw.push((
                            d.id,
                            line(key, ActivityKind::Inspection, i.held_on, &title, 1),
                        ));
                    }
                }
            }
        }
    }

    // Suggestions received in the year (not returned or withdrawn): led or co-signed.
    let sugg = suggestions::Entity::find()
        .filter(suggestions::Column::SubmittedOn.between(from, to))
        .filter(suggestions::Column::Status.is_not_in(["returned", "withdrawn", "cosigning"]))
        .all(db)
        .await?;
    for sg in suggestion_signers::Entity::find()
        .filter(suggestion_signers::Column::SuggestionId.is_in(sugg.iter().map(|s| s.id)))
        .filter(suggestion_signers::Column::ConfirmedAt.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .filter(|s| keep(&s.deputy_id))
    {
        if let Some(s) = sugg.iter().find(|s| s.id == sg.suggestion_id) {
            let kind = if sg.lead {
                ActivityKind::SuggestionLed
            } else {
                ActivityKind::SuggestionCosigned
            };
            let on = s.submitted_on.unwrap_or(from);
            let key = format!("suggestion:{}", s.id);
            raw.push((sg.deputy_id, line(key, kind, on, &s.title, 1)));
        }
    }

    // Reception days on duty at a liaison station, held by today.
    let today = crate::clock::today();
    let days = reception_days::Entity::find()
        .filter(reception_days::Column::Day.between(from, to.min(today)))
        .all(db)
        .await?;
    if !days.is_empty() {
        let names: HashMap<Uuid, String> = stations::Entity::find()
            .filter(stations::Column::Id.is_in(days.iter().map(|d| d.station_id)))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        for duty in reception_duty::Entity::find()
            .filter(reception_duty::Column::ReceptionDayId.is_in(days.iter().map(|d| d.id)))
            .all(db)
            .await?
            .into_iter()
            .filter(|d| keep(&d.deputy_id))
        {
            if let Some(d) = days.iter().find(|d| d.id == duty.reception_day_id) {
                let title = names.get(&d.station_id).cloned().unwrap_or_default();
                let key = format!("reception:{}", d.id);
                raw.push((
                    duty.deputy_id,
                    line(key, ActivityKind::ReceptionDay, d.day, &title, 1),
                ));
            }
        }
    }

    // What the office recorded.
    for a in duty_activities::Entity::find()
        .filter(duty_activities::Column::HeldOn.between(from, to))
        .all(db)
        .await?
        .into_iter()
        .filter(|a| keep(&a.deputy_id))
    {
        let kind = ActivityKind::parse("kind", &a.kind)?;
        let key = format!("activity:{}", a.id);
        raw.push((a.deputy_id, line(key, kind, a.held_on, &a.title, 1)));
    }

    // Corrections accepted as wrong or duplicate exclude their lines.
    let mut excluded: HashMap<(Uuid, String), String> = HashMap::new();
    let mut corr = duty_corrections::Entity::find()
        .filter(duty_corrections::Column::Year.eq(year))
        .filter(duty_corrections::Column::Status.eq("accepted"))
        .filter(duty_corrections::Column::LineKey.is_not_null());
    if let Some(o) = only {
        corr = corr.filter(duty_corrections::Column::DeputyId.eq(o));
    }
    for c in corr.all(db).await? {
        if let Some(k) = c.line_key {
            excluded.insert((c.deputy_id, k), c.decision_note.unwrap_or_default());
        }
    }

    let rules = rules::current(db, year).await?;
    let mut out: BTreeMap<Uuid, Record> = BTreeMap::new();
    for (deputy_id, mut l) in raw {
        if as_of.is_some_and(|d| l.on > d) {
            continue;
        }
        l.excluded = excluded.get(&(deputy_id, l.key.clone())).cloned();
        l.points = match (&rules, &l.excluded) {
            (Some(r), None) => r.of(l.kind) * l.count,
            _ => 0,
        };
        let rec = out.entry(deputy_id).or_insert_with(|| Record {
            deputy_id,
            year,
            rule_version: rules.as_ref().map(|r| r.version),
            lines: Vec::new(),
            total: 0,
        });
        rec.total += l.points;
        rec.lines.push(l);
    }
    for r in out.values_mut() {
        r.lines
            .sort_by(|a, b| a.on.cmp(&b.on).then_with(|| a.key.cmp(&b.key)));
    }
    Ok(out)
}

/// The names in an inspection's participants as typed (`张三、李四，王五` or spaces): a whole name
/// counts, so 张三 is not found in 张三丰.
fn names_in(participants: &str) -> impl Iterator<Item = &str> {
    participants
        .split(['、', '，', ',', '；', ';', ' ', '\u{3000}', '\n', '\t'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
}

/// The first and last day of a year. Errors: `not_found` for a year chrono cannot hold.
pub(crate) fn year_bounds(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    Ok((
        NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| Error::not_found("year"))?,
        NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::not_found("year"))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::names_in;

    #[test]
    fn participants_are_named_whole() {
        let names: Vec<&str> = names_in("张三丰、李四，王五 赵六\n孙七").collect();
        assert_eq!(names, ["张三丰", "李四", "王五", "赵六", "孙七"]);
        assert!(!names_in("张三丰、李四").any(|n| n == "张三"));
    }
}
