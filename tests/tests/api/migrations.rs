//! Every migration can be undone and applied again.

use minsheng_migration::{Migrator, MigratorTrait};
use minsheng_tests::TestDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_up_down_up() {
    let test_db = TestDb::create().await;
    let db = minsheng_domain::db::connect(&test_db.url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    let applied = Migrator::get_applied_migrations(&db).await.unwrap().len();
    assert!(applied >= 2);
    Migrator::down(&db, None).await.unwrap();
    assert_eq!(
        Migrator::get_pending_migrations(&db).await.unwrap().len(),
        applied
    );
    Migrator::up(&db, None).await.unwrap();
    assert!(
        Migrator::get_pending_migrations(&db)
            .await
            .unwrap()
            .is_empty()
    );
    db.close().await.unwrap();
}
