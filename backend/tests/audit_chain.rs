//! Every write is audited in a per-province hash chain; an edited or deleted row is detected.

mod common;

use common::{spawn_app, Backend};
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};
use xueji_backend::audit;
use xueji_backend::entities::audit_log;

async fn sign_ins_are_audited_and_tampering_is_detected(b: Backend) {
    let app = spawn_app(b).await;
    app.login("hz-xh-1-registrar").await;
    app.login("hz-sc-leader").await;
    app.login("moe-admin").await;
    let _ = app
        .post(
            "/api/v1/auth/login",
            serde_json::json!({ "username": "hz-xh-1-registrar", "password": "wrong" }),
            None,
        )
        .await;

    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(app.db())
        .await
        .expect("rows");
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "system.seed_demo",
            "auth.login",
            "auth.login",
            "auth.login",
            "auth.login_failed"
        ]
    );
    // Two chains: Zhejiang (330000) and national (seed, ministry).
    let zj: Vec<_> = rows
        .iter()
        .filter(|r| r.province_code == "330000")
        .collect();
    assert_eq!(zj.len(), 3);
    assert_eq!(zj[0].prev_hash, audit::GENESIS);
    assert_eq!(zj[1].prev_hash, zj[0].hash);
    assert_eq!(zj[2].prev_hash, zj[1].hash);
    assert!(audit::verify(app.db()).await.expect("verify").is_empty());

    // Edit a row: its own hash no longer matches.
    app.db()
        .execute_unprepared(&format!(
            "UPDATE audit_log SET action = 'auth.logout' WHERE id = {}",
            zj[1].id
        ))
        .await
        .expect("tamper");
    let breaks = audit::verify(app.db()).await.expect("verify");
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!(breaks[0].entry_id, zj[1].id);

    // Restore it, then delete it: the next row's link breaks.
    app.db()
        .execute_unprepared(&format!(
            "UPDATE audit_log SET action = 'auth.login' WHERE id = {}",
            zj[1].id
        ))
        .await
        .expect("restore");
    assert!(audit::verify(app.db()).await.expect("verify").is_empty());
    app.db()
        .execute_unprepared(&format!("DELETE FROM audit_log WHERE id = {}", zj[1].id))
        .await
        .expect("delete");
    let breaks = audit::verify(app.db()).await.expect("verify");
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!(breaks[0].entry_id, zj[2].id);
    assert_eq!(breaks[0].province_code, "330000");
}
db_test!(
    sign_ins_are_audited_and_tampering_is_detected,
    sign_ins_are_audited_and_tampering_is_detected
);

async fn concurrent_sign_ins_keep_one_unbroken_chain(b: Backend) {
    let app = spawn_app(b).await;
    let mut tasks = Vec::new();
    for name in [
        "hz-xh-1-registrar",
        "hz-xh-2-registrar",
        "nb-hs-1-leader",
        "hz-admin",
        "zj-admin",
        "nb-yz-3-registrar",
    ] {
        let router = app.router.clone();
        tasks.push(tokio::spawn(async move {
            let req = http::Request::post("/api/v1/auth/login")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(
                    serde_json::json!({ "username": name, "password": xueji_backend::demo::DEMO_PASSWORD })
                        .to_string(),
                ))
                .expect("req");
            tower::ServiceExt::oneshot(router, req).await.expect("infallible").status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.expect("join"), http::StatusCode::OK);
    }
    assert!(audit::verify(app.db()).await.expect("verify").is_empty());
    let n = audit_log::Entity::find()
        .all(app.db())
        .await
        .expect("rows")
        .len();
    assert_eq!(n, 1 + 6);
}
db_test!(
    concurrent_sign_ins_keep_one_unbroken_chain,
    concurrent_sign_ins_keep_one_unbroken_chain
);

/// Issue 10, defect 6: cutting the newest rows of a chain leaves an intact (shorter) chain,
/// which the chain check alone cannot see; the anchor file beside the data shows it.
async fn cutting_the_tail_is_detected_by_the_anchor(b: Backend) {
    use xueji_backend::audit_anchor;
    let app = spawn_app(b).await;
    for _ in 0..3 {
        app.login("hz-xh-1-registrar").await;
    }
    let path = audit_anchor::path_in(&app.state.data_dir);
    assert_eq!(audit_anchor::read(&path).expect("read"), []);
    let n = audit_anchor::checkpoint(app.db(), &path)
        .await
        .expect("anchor");
    assert_eq!(n, 2, "the national and the Zhejiang chain");
    // Nothing new: nothing appended.
    assert_eq!(
        audit_anchor::checkpoint(app.db(), &path)
            .await
            .expect("anchor"),
        0
    );
    assert!(audit_anchor::verify(app.db(), &path)
        .await
        .expect("verify")
        .is_empty());

    // Rows after the anchor are fine.
    app.login("hz-xh-1-registrar").await;
    assert!(audit_anchor::verify(app.db(), &path)
        .await
        .expect("verify")
        .is_empty());

    // Cut the newest two rows of the Zhejiang chain (the one written after the anchor and the
    // anchored head): the chain is still unbroken, the anchor is not.
    let zj: Vec<_> = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(app.db())
        .await
        .expect("rows")
        .into_iter()
        .filter(|r| r.province_code == "330000")
        .collect();
    let cut: Vec<i64> = zj.iter().rev().take(2).map(|r| r.id).collect();
    app.db()
        .execute_unprepared(&format!(
            "DELETE FROM audit_log WHERE id IN ({}, {})",
            cut[0], cut[1]
        ))
        .await
        .expect("delete");
    assert!(
        audit::verify(app.db()).await.expect("verify").is_empty(),
        "the shorter chain is intact"
    );
    let breaks = audit_anchor::verify(app.db(), &path).await.expect("verify");
    assert_eq!(breaks.len(), 1, "{breaks:?}");
    assert_eq!(breaks[0].province_code, "330000");
    assert_eq!(breaks[0].entry_id, cut[1]);

    // A damaged anchor file is an error, not a pass.
    std::fs::write(&path, "not json\n").expect("write");
    assert!(audit_anchor::read(&path).is_err());
}
db_test!(
    cutting_the_tail_is_detected_by_the_anchor,
    cutting_the_tail_is_detected_by_the_anchor
);
