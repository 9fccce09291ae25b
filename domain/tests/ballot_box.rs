//! The shared ballot box on a real database, through the domain services only: a vote and a rating
//! round walk the same lifecycle with the same refusals, the same presence and one-ballot rules,
//! the same secret storage, and the same answer for an unknown session.

mod common;

use common::FreshDb;
use minsheng_domain::{
    Error,
    entities::{ballots, evaluation_ballots, projects},
    evaluations::{grade::Rating, service as ratings},
    projects::status::Status,
    votes::{
        rules::{Method, RawBallot, ThresholdBase},
        service::{self as votes, VoteDraft, VoteStatus},
    },
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

fn code(e: &Error) -> &'static str {
    match e {
        Error::Conflict { code, .. }
        | Error::Forbidden { code, .. }
        | Error::Invalid { code, .. }
        | Error::NotFound { code, .. }
        | Error::Unauthenticated { code, .. } => code,
        other => panic!("no code: {other:?}"),
    }
}

#[tokio::test]
async fn a_vote_and_a_rating_round_share_one_ballot_box() {
    let f = FreshDb::migrated().await;
    let db = &f.db;
    let office = f.office(6).await;
    let admin = &office.admin;
    let a = f.project(admin, "老旧小区改造").await;
    let b = f.project(admin, "农村饮水提升").await;

    // The vote: 1 seat among A and B, secret, majority of all deputies (6 → 4 yes).
    let v = votes::create(
        db,
        admin,
        office.session_id,
        VoteDraft {
            title: "2027年民生实事项目票决".into(),
            method: Method::ChooseUpToN,
            seats: 1,
            candidate_ids: vec![a, b],
            threshold_base: ThresholdBase::AllDeputies,
            secret: true,
            publish_ballots: false,
        },
    )
    .await
    .expect("draft");
    let id = v.vote.id;
    let deputy = &office.deputies[0];
    let err = votes::cast(db, deputy, id, RawBallot::Selections(vec![a]))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "vote_not_open");
    votes::open(db, admin, id).await.expect("open");
    assert_eq!(
        code(&votes::open(db, admin, id).await.unwrap_err()),
        "vote_not_draft"
    );
    for (i, d) in office.deputies.iter().enumerate() {
        let pick = if i < 4 { a } else { b };
        let receipt = votes::cast(db, d, id, RawBallot::Selections(vec![pick]))
            .await
            .expect("ballot");
        assert_eq!(receipt.len(), 32);
    }
    let err = votes::cast(db, deputy, id, RawBallot::Selections(vec![b]))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "already_voted");
    assert_eq!(
        code(&votes::results(db, Some(admin), id).await.unwrap_err()),
        "vote_not_closed"
    );
    let closed = votes::close(db, admin, id).await.expect("close");
    assert_eq!(closed.status, VoteStatus::Closed);
    assert_eq!(
        (closed.entitled, closed.present, closed.ballots_cast),
        (6, 6, 6)
    );
    assert_eq!(
        code(&votes::results(db, None, id).await.unwrap_err()),
        "results_not_published"
    );
    let published = votes::publish(db, admin, id).await.expect("publish");
    let adopted: Vec<Uuid> = published
        .tally
        .candidates
        .iter()
        .filter(|c| c.adopted)
        .map(|c| c.project_id)
        .collect();
    assert_eq!(adopted, [a]);
    let status_of = |p: Uuid| async move {
        let row = projects::Entity::find_by_id(p)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        minsheng_domain::projects::status::of(&row).unwrap()
    };
    assert_eq!(status_of(a).await, Status::Adopted);
    assert_eq!(status_of(b).await, Status::Reserve);
    // Secret: no stored ballot names its deputy.
    let stored = ballots::Entity::find()
        .filter(ballots::Column::VoteId.eq(id))
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 6);
    assert!(stored.iter().all(|b| b.deputy_id.is_none()));

    // The rating round over the adopted project: the same machine, the same refusals.
    let r = ratings::create(
        db,
        admin,
        office.session_id,
        ratings::EvaluationDraft {
            title: "2027年民生实事项目满意度测评".into(),
            project_ids: vec![a],
            subject_ids: Vec::new(),
            threshold_base: ThresholdBase::AllDeputies,
        },
    )
    .await
    .expect("rating draft");
    let rid = r.evaluation.id;
    let err = ratings::cast(db, deputy, rid, vec![(a, Rating::Satisfied)])
        .await
        .unwrap_err();
    assert_eq!(code(&err), "vote_not_open");
    ratings::open(db, admin, rid).await.expect("open rating");
    assert_eq!(
        code(&ratings::open(db, admin, rid).await.unwrap_err()),
        "vote_not_draft"
    );
    for (i, d) in office.deputies.iter().enumerate() {
        let grade = if i < 4 {
            Rating::Satisfied
        } else {
            Rating::Unsatisfied
        };
        ratings::cast(db, d, rid, vec![(a, grade)])
            .await
            .expect("rating");
    }
    let err = ratings::cast(db, deputy, rid, vec![(a, Rating::Unsatisfied)])
        .await
        .unwrap_err();
    assert_eq!(code(&err), "already_voted");
    assert_eq!(
        code(&ratings::results(db, Some(admin), rid).await.unwrap_err()),
        "vote_not_closed"
    );
    let closed = ratings::close(db, admin, rid).await.expect("close rating");
    assert_eq!(closed.status, VoteStatus::Closed);
    assert_eq!(
        (closed.entitled, closed.present, closed.ballots_cast),
        (6, 6, 6)
    );
    assert_eq!(
        code(&ratings::results(db, None, rid).await.unwrap_err()),
        "results_not_published"
    );
    let results = ratings::publish(db, admin, rid)
        .await
        .expect("publish rating");
    assert_eq!(results.projects[0].counts.satisfied, 4);
    assert_eq!(results.projects[0].grade, Rating::Satisfied);
    assert_eq!(
        code(&ratings::publish(db, admin, rid).await.unwrap_err()),
        "vote_not_closed"
    );
    let grades = ratings::grades_of(db, a).await.unwrap();
    assert_eq!(grades.len(), 1);
    let stored = evaluation_ballots::Entity::find()
        .filter(evaluation_ballots::Column::EvaluationId.eq(rid))
        .all(db)
        .await
        .unwrap();
    assert_eq!(stored.len(), 6);

    // An unknown session has neither votes nor ratings: not found, for both.
    let nowhere = Uuid::new_v4();
    let err = votes::list_for_session(db, admin, nowhere)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    let err = ratings::list_for_session(db, admin, nowhere)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");

    f.drop_db().await;
}

#[tokio::test]
async fn only_present_deputies_on_the_roster_take_part() {
    let f = FreshDb::migrated().await;
    let db = &f.db;
    let office = f.office(3).await;
    let admin = &office.admin;
    let a = f.project(admin, "道路硬化").await;
    let b = f.project(admin, "路灯亮化").await;
    let v = votes::create(
        db,
        admin,
        office.session_id,
        VoteDraft {
            title: "票决".into(),
            method: Method::ChooseUpToN,
            seats: 1,
            candidate_ids: vec![a, b],
            threshold_base: ThresholdBase::AllDeputies,
            secret: true,
            publish_ballots: false,
        },
    )
    .await
    .unwrap();
    votes::open(db, admin, v.vote.id).await.unwrap();
    // Marked absent after the opening: refused, and nothing is stored.
    let absent = &office.deputies[2];
    minsheng_domain::sessions::set_attendance(
        db,
        admin,
        office.session_id,
        &[absent.deputy_id.unwrap()],
        false,
    )
    .await
    .unwrap();
    let err = votes::cast(db, absent, v.vote.id, RawBallot::Selections(vec![a]))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "not_present");
    assert_eq!(
        votes::get(db, Some(admin), v.vote.id)
            .await
            .unwrap()
            .ballots_cast,
        0
    );
    // An admin is no deputy.
    let err = votes::cast(db, admin, v.vote.id, RawBallot::Selections(vec![a]))
        .await
        .unwrap_err();
    assert_eq!(code(&err), "not_a_deputy");
    f.drop_db().await;
}
