//! After a secret vote, the database holds nothing that links a ballot to a deputy.

use minsheng_tests::TestApp;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::json;

async fn columns(db: &sea_orm::DatabaseConnection, table: &str) -> Vec<String> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}'"
        ),
        _ => format!("SELECT name FROM pragma_table_info('{table}')"),
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    out.sort();
    out
}

async fn strings(db: &sea_orm::DatabaseConnection, sql: &str) -> Vec<String> {
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_ballots_are_unlinkable_in_storage() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let s = app.session_with(&admin, 8).await;
    let p = app.projects(&admin, 3).await;
    let vote = app
        .open_vote(
            &admin,
            &s.id,
            json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": p}),
        )
        .await;
    let mut cast_order = Vec::new();
    for (i, (_, token)) in s.deputies.iter().enumerate() {
        let r = app
            .post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(token),
                json!({"selections": [p[i % 3]]}),
            )
            .await
            .expect(201);
        cast_order.push(r["receipt"].as_str().unwrap().to_owned());
    }
    app.post(
        &format!("/api/v1/votes/{vote}/close"),
        Some(&admin),
        json!({}),
    )
    .await
    .expect(200);

    let db = Database::connect(&app.db.url).await.unwrap();
    // What a ballot row holds: the vote, a random receipt, a deputy column only named votes fill,
    // and the content. No timestamp, no sequence.
    assert_eq!(
        columns(&db, "ballots").await,
        vec!["content", "deputy_id", "receipt", "vote_id"]
    );
    assert_eq!(
        columns(&db, "vote_participation").await,
        vec!["deputy_id", "vote_id"]
    );
    let linked = strings(
        &db,
        "SELECT CAST(COUNT(*) AS TEXT) FROM ballots WHERE deputy_id IS NOT NULL",
    )
    .await;
    assert_eq!(linked, vec!["0"]);

    // Storage order is receipt order, whatever the order of casting.
    // (This database holds this one vote only.)
    let stored = strings(&db, "SELECT receipt FROM ballots").await;
    let mut sorted = cast_order.clone();
    sorted.sort();
    assert_eq!(stored.len(), 8);
    assert_eq!(stored, sorted);
    assert_ne!(
        cast_order, sorted,
        "eight random receipts came out sorted by chance (p = 1/40320)"
    );

    match db.get_database_backend() {
        DbBackend::Postgres => {
            // Closing rewrote both tables in one transaction: no row version tells the order of casting.
            let b = strings(&db, "SELECT DISTINCT xmin::text FROM ballots").await;
            let v = strings(&db, "SELECT DISTINCT xmin::text FROM vote_participation").await;
            assert_eq!(
                (b.len(), v.len()),
                (1, 1),
                "ballot rows {b:?}, participation rows {v:?}"
            );
        }
        _ => {
            // No hidden rowid that would number rows in insertion order.
            for table in ["ballots", "vote_participation"] {
                let r = db
                    .query_all_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        format!("SELECT rowid FROM {table}"),
                    ))
                    .await;
                assert!(r.is_err(), "{table} has a rowid");
            }
        }
    }

    // The participation table names the voters, in deputy-id order, and nothing about their ballots.
    let who = strings(&db, "SELECT CAST(COUNT(*) AS TEXT) FROM vote_participation").await;
    assert_eq!(who, vec!["8"]);
}
