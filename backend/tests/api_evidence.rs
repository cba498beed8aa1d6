//! Evidence upload: content-checked types, size limit, content-addressed storage, audit.

mod common;

use axum::body::Body;
use common::{assert_error, spawn_app, Backend, TestApp};
use http::{Request, StatusCode};

fn multipart(name: &str, filename: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xuejiBOUNDARY7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    filename: &str,
    bytes: &[u8],
) -> common::Resp {
    let (ct, body) = multipart(name, filename, bytes);
    let req = Request::post("/api/v1/evidence")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", ct)
        .body(Body::from(body))
        .expect("req");
    app.raw(req).await
}

async fn evidence_is_checked_by_content_and_stored_once(b: Backend) {
    let app = spawn_app(b).await;
    let t = app.token("hz-xh-1-registrar").await;
    let pdf = common::pdf("户口簿");
    let r = upload(&app, &t, "file", "户口簿.pdf", &pdf).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["mime"], "application/pdf");
    assert_eq!(r.body["size"], pdf.len());
    let sha = r.body["sha256"].as_str().expect("sha").to_owned();
    assert_eq!(
        app.state.evidence.get(&sha).await.expect("get"),
        Some(pdf.clone())
    );
    // The same file again: the same address.
    let again = upload(&app, &t, "file", "copy.pdf", &pdf).await;
    assert_eq!(again.body["sha256"], sha.as_str());
    // A PNG named .pdf is a PNG; an executable named .pdf is refused.
    let png = common::png();
    assert_eq!(
        upload(&app, &t, "file", "x.pdf", &png).await.body["mime"],
        "image/png"
    );
    let exe = upload(&app, &t, "file", "证明.pdf", b"MZ\x90\x00\x03").await;
    let msg = assert_error(&exe, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert!(msg.contains("PDF"), "{msg}");
    assert_eq!(exe.body["error"]["fields"][0]["field"], "file");
    // Too large (11 MB).
    let big = [b"%PDF-".as_slice(), &vec![b'a'; 11 * 1024 * 1024]].concat();
    let r = upload(&app, &t, "file", "big.pdf", &big).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert!(
        r.body["error"]["message"].is_string(),
        "the envelope: {}",
        r.text
    );
    // No `file` part.
    let r = upload(&app, &t, "other", "x.pdf", &pdf).await;
    assert_error(&r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    // Administrators do no business.
    let admin = app.token("hz-xh-1-admin").await;
    assert_error(
        &upload(&app, &admin, "file", "a.pdf", &pdf).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
db_test!(
    evidence_is_checked_by_content_and_stored_once,
    evidence_is_checked_by_content_and_stored_once
);
