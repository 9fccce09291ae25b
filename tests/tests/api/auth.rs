//! Login, tokens, sessions, the temporary-password gate, roles, disabling and throttling.

use minsheng_tests::{ADMIN_PASSWORD, TestApp};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_me_and_generic_401() {
    let app = TestApp::spawn().await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 900);
    assert_eq!(login.body["account"]["roles"], json!(["admin"]));
    let me = app.get("/api/v1/me", Some(&login.access)).await.expect(200);
    assert_eq!(me["username"], "admin");
    assert!(me.get("password_hash").is_none());

    let wrong = app.try_login("admin", "not-the-password").await;
    wrong.expect_problem(401, "invalid_credentials");
    let unknown = app.try_login("nobody", "not-the-password").await;
    unknown.expect_problem(401, "invalid_credentials");
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);

    app.get("/api/v1/me", None)
        .await
        .expect_problem(401, "missing_token");
    app.get("/api/v1/me", Some("not.a.jwt"))
        .await
        .expect_problem(401, "invalid_token");
    // A token signed with another secret is refused.
    let forged = login.access.rsplit_once('.').unwrap().0.to_owned() + ".c2lnbmF0dXJl";
    app.get("/api/v1/me", Some(&forged))
        .await
        .expect_problem(401, "invalid_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::spawn().await;
    let first = app.login("admin", ADMIN_PASSWORD).await;
    let second = app
        .post(
            "/api/v1/auth/refresh",
            None,
            json!({"refresh_token": first.refresh}),
        )
        .await
        .expect(200);
    let second_refresh = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first.refresh);
    app.get("/api/v1/me", Some(second["access_token"].as_str().unwrap()))
        .await
        .expect(200);

    // The old token again: theft is assumed, and the whole family dies, the new token included.
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": first.refresh}),
    )
    .await
    .expect_problem(401, "refresh_token_reused");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": second_refresh}),
    )
    .await
    .expect_problem(401, "invalid_refresh_token");
    // The revoked session's access tokens stop too, the thief's and the holder's.
    app.get("/api/v1/me", Some(second["access_token"].as_str().unwrap()))
        .await
        .expect_problem(401, "session_revoked");

    // Another login's family is unaffected.
    let other = app.login("admin", ADMIN_PASSWORD).await;
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": other.refresh}),
    )
    .await
    .expect(200);
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": "garbage"}),
    )
    .await
    .expect_problem(401, "invalid_refresh_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    let resp = app
        .post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": login.refresh}),
        )
        .await;
    assert_eq!(resp.status.as_u16(), 204);
    // Logging out ends the session's access tokens at once, not only its refresh token.
    app.get("/api/v1/me", Some(&login.access))
        .await
        .expect_problem(401, "session_revoked");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect_problem(401, "invalid_refresh_token");
    // Logging out twice is fine.
    assert_eq!(
        app.post(
            "/api/v1/auth/logout",
            None,
            json!({"refresh_token": login.refresh})
        )
        .await
        .status
        .as_u16(),
        204
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn temporary_password_must_be_changed_first() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/deputies",
            Some(&admin),
            json!({"deputy_code": "D001", "name": "王芳", "delegation": "城关镇"}),
        )
        .await
        .expect(201);
    let initial = created["initial_password"].as_str().unwrap().to_owned();
    assert_eq!(created["username"], "d001");

    let first = app.login("d001", &initial).await;
    assert_eq!(first.body["account"]["must_change_password"], true);
    // Only /me and the password change work.
    app.get("/api/v1/me", Some(&first.access)).await.expect(200);
    app.get("/api/v1/deputies", Some(&first.access))
        .await
        .expect_problem(403, "password_change_required");

    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        json!({"current_password": "wrong-wrong-1", "new_password": "a-new-password"}),
    )
    .await
    .expect_problem(403, "wrong_password");
    app.put(
        "/api/v1/me/password",
        Some(&first.access),
        json!({"current_password": initial, "new_password": "short"}),
    )
    .await
    .expect_problem(422, "weak_password");
    let changed = app
        .put(
            "/api/v1/me/password",
            Some(&first.access),
            json!({"current_password": initial, "new_password": "a-new-password"}),
        )
        .await
        .expect(200);
    assert_eq!(changed["account"]["must_change_password"], false);
    app.get(
        "/api/v1/deputies",
        Some(changed["access_token"].as_str().unwrap()),
    )
    .await
    .expect(200);

    // The session that changed the password goes on with its new tokens; access tokens issued
    // before the change stop working.
    app.get("/api/v1/me", Some(&first.access))
        .await
        .expect_problem(401, "session_revoked");
    // The other session's refresh token was revoked by the change; the old password is gone.
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": first.refresh}),
    )
    .await
    .expect_problem(401, "invalid_refresh_token");
    app.try_login("d001", &initial)
        .await
        .expect_problem(401, "invalid_credentials");
    app.login("d001", "a-new-password").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_are_enforced() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let deputy = &app.deputies(&admin, 1).await[0].1;
    app.get("/api/v1/accounts", None)
        .await
        .expect_problem(401, "missing_token");
    app.get("/api/v1/accounts", Some(deputy))
        .await
        .expect_problem(403, "forbidden");
    app.post(
        "/api/v1/deputies",
        Some(deputy),
        json!({"deputy_code": "X1", "name": "x", "delegation": "y"}),
    )
    .await
    .expect_problem(403, "forbidden");
    app.get("/api/v1/accounts", Some(&admin)).await.expect(200);

    // A department account reads neither accounts nor the deputy list.
    let dept = app
        .post("/api/v1/accounts", Some(&admin), json!({"username": "jtj", "display_name": "交通局", "role": "department", "department": "县交通运输局"}))
        .await
        .expect(201);
    let dept_login = app
        .login("jtj", dept["initial_password"].as_str().unwrap())
        .await;
    let dept_token = app
        .put("/api/v1/me/password", Some(&dept_login.access), json!({"current_password": dept["initial_password"], "new_password": "dept-password-1"}))
        .await
        .expect(200)["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.get("/api/v1/deputies", Some(&dept_token))
        .await
        .expect_problem(403, "forbidden");
    app.get("/api/v1/accounts", Some(&dept_token))
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disabled_account_stops_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let created = app
        .post(
            "/api/v1/accounts",
            Some(&admin),
            json!({"username": "clerk", "display_name": "办公室", "role": "admin"}),
        )
        .await
        .expect(201);
    let id = created["account"]["id"].as_str().unwrap().to_owned();
    let pw = created["initial_password"].as_str().unwrap().to_owned();
    let login = app.login("clerk", &pw).await;
    app.get("/api/v1/me", Some(&login.access)).await.expect(200);

    app.patch(
        &format!("/api/v1/accounts/{id}"),
        Some(&admin),
        json!({"disabled": true}),
    )
    .await
    .expect(200);
    app.get("/api/v1/me", Some(&login.access))
        .await
        .expect_problem(401, "account_disabled");
    app.post(
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": login.refresh}),
    )
    .await
    .expect_problem(401, "invalid_refresh_token");
    app.try_login("clerk", &pw)
        .await
        .expect_problem(403, "account_disabled");

    // Re-enabled, with a password reset: the new temporary password works.
    let reset = app
        .patch(
            &format!("/api/v1/accounts/{id}"),
            Some(&admin),
            json!({"disabled": false, "reset_password": true}),
        )
        .await
        .expect(200);
    let new_pw = reset["initial_password"].as_str().unwrap();
    assert_eq!(reset["account"]["must_change_password"], true);
    app.login("clerk", new_pw).await;

    // An admin cannot lock themself out.
    let me = app.get("/api/v1/me", Some(&admin)).await.expect(200);
    app.patch(
        &format!("/api/v1/accounts/{}", me["id"].as_str().unwrap()),
        Some(&admin),
        json!({"disabled": true}),
    )
    .await
    .expect_problem(409, "cannot_disable_self");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_slows_the_guesser_and_never_locks_the_deputy_out() {
    let app = TestApp::spawn_with(|c| c.client_ip_header = Some("X-Real-IP".into())).await;
    let admin = app.admin().await;
    let other = app
        .post(
            "/api/v1/accounts",
            Some(&admin),
            json!({"username": "clerk", "display_name": "办公室", "role": "admin"}),
        )
        .await
        .expect(201);
    let clerk_pw = other["initial_password"].as_str().unwrap().to_owned();
    let clerk_id = other["account"]["id"].as_str().unwrap().to_owned();

    // Five failures from one address cost nothing more than the failures themselves...
    for _ in 0..5 {
        login_from(&app, "10.0.0.66", "clerk", "wrong-password")
            .await
            .expect_problem(401, "invalid_credentials");
    }
    // ...then that address must wait, growing, even with the right password.
    let waiting = login_from(&app, "10.0.0.66", "clerk", &clerk_pw).await;
    waiting.expect_problem(429, "too_many_attempts");
    let retry: u64 = waiting.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "retry-after {retry}");

    // 100 more wrong tries from the guesser's address while the account's owner logs in from
    // their own: every one of the owner's logins succeeds at once.
    let guesser = {
        let app = app.handle.clone();
        tokio::spawn(async move {
            let mut refused = 0;
            for _ in 0..100 {
                let r = login_from(&app, "10.0.0.66", "clerk", "wrong-password").await;
                assert!(
                    [401, 429].contains(&r.status.as_u16()),
                    "the guesser gets 401 or 429, not {}",
                    r.status
                );
                refused += usize::from(r.status.as_u16() == 429);
            }
            refused
        })
    };
    for _ in 0..5 {
        let started = std::time::Instant::now();
        login_from(&app, "10.0.0.7", "clerk", &clerk_pw)
            .await
            .expect(200);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(3),
            "the owner's login took {:?}",
            started.elapsed()
        );
    }
    let refused = guesser.await.unwrap();
    assert!(
        refused > 90,
        "most guesses are refused without a hash: {refused}"
    );

    // A name nobody has answers exactly like a real one, so the throttle tells nothing.
    for _ in 0..5 {
        login_from(&app, "10.0.0.66", "nobody-here", "wrong-password")
            .await
            .expect_problem(401, "invalid_credentials");
    }
    login_from(&app, "10.0.0.66", "nobody-here", "wrong-password")
        .await
        .expect_problem(429, "too_many_attempts");

    // The office lifts the throttle: the guesser's address may try again at once.
    let lifted = app
        .request(
            reqwest::Method::DELETE,
            &format!("/api/v1/accounts/{clerk_id}/login-failures"),
            Some(&admin),
            None,
        )
        .await
        .expect(200);
    assert_eq!(lifted["addresses"], 1);
    login_from(&app, "10.0.0.66", "clerk", &clerk_pw)
        .await
        .expect(200);
    // Only an admin may.
    let deputy = app.deputies(&admin, 1).await;
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/accounts/{clerk_id}/login-failures"),
        Some(&deputy[0].1),
        None,
    )
    .await
    .expect_problem(403, "forbidden");

    // An admin's password reset lifts it too.
    for _ in 0..6 {
        login_from(&app, "10.0.0.66", "clerk", "wrong-password").await;
    }
    login_from(&app, "10.0.0.66", "clerk", &clerk_pw)
        .await
        .expect_problem(429, "too_many_attempts");
    let reset = app
        .patch(
            &format!("/api/v1/accounts/{clerk_id}"),
            Some(&admin),
            json!({"reset_password": true}),
        )
        .await
        .expect(200);
    login_from(
        &app,
        "10.0.0.66",
        "clerk",
        reset["initial_password"].as_str().unwrap(),
    )
    .await
    .expect(200);
}

/// Logs in as `username` from the client address `ip` (the test server believes `X-Real-IP`).
async fn login_from(
    app: &minsheng_tests::Handle,
    ip: &str,
    username: &str,
    password: &str,
) -> minsheng_tests::Resp {
    let resp = app
        .client
        .post(format!("{}/api/v1/auth/login", app.base))
        .header("x-real-ip", ip)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    minsheng_tests::Resp {
        status: resp.status(),
        headers: resp.headers().clone(),
        body: resp.json().await.unwrap_or(serde_json::Value::Null),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_tokens_are_validated_strictly() {
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
    use minsheng_tests::JWT_SECRET;

    let app = TestApp::spawn().await;
    let login = app.login("admin", ADMIN_PASSWORD).await;
    // Start from the claims the server issued (its session id included).
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&["minsheng"]);
    validation.set_audience(&["minsheng-api"]);
    let key = DecodingKey::from_secret(JWT_SECRET.as_bytes());
    let good = decode::<serde_json::Value>(&login.access, &key, &validation)
        .unwrap()
        .claims;
    for claim in ["sub", "role", "iss", "aud", "exp", "iat", "jti", "sid"] {
        assert!(
            good.get(claim).is_some(),
            "the server's token lacks {claim}"
        );
    }
    let now = good["iat"].as_u64().unwrap();
    let sign = |claims: &serde_json::Value, alg: Algorithm, secret: &str| {
        encode(
            &Header::new(alg),
            claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    };
    // The control: a token made like the server's is accepted.
    app.get(
        "/api/v1/me",
        Some(&sign(&good, Algorithm::HS256, JWT_SECRET)),
    )
    .await
    .expect(200);

    let mut cases: Vec<(&str, String)> = vec![
        (
            "another secret",
            sign(
                &good,
                Algorithm::HS256,
                "another-secret-another-secret-another-secret",
            ),
        ),
        (
            "another algorithm",
            sign(&good, Algorithm::HS512, JWT_SECRET),
        ),
    ];
    for (field, value) in [
        ("iss", json!("someone-else")),
        ("aud", json!("another-api")),
        ("exp", json!(now - 3600)),
        // Signed with the right key but living a year: longer than this service issues.
        ("exp", json!(now + 365 * 24 * 3600)),
        ("nbf", json!(now + 3600)),
        ("sub", json!("not-a-uuid")),
        ("sid", json!("not-a-uuid")),
    ] {
        let mut claims = good.clone();
        claims[field] = value;
        cases.push((field, sign(&claims, Algorithm::HS256, JWT_SECRET)));
    }
    for missing in ["exp", "iat", "iss", "aud", "sub", "jti", "role", "sid"] {
        let mut claims = good.clone();
        claims.as_object_mut().unwrap().remove(missing);
        cases.push((missing, sign(&claims, Algorithm::HS256, JWT_SECRET)));
    }
    // An unsigned token (alg "none").
    let unsigned = {
        use base64_url as b;
        format!(
            "{}.{}.",
            b::encode(r#"{"alg":"none","typ":"JWT"}"#),
            b::encode(&good.to_string())
        )
    };
    cases.push(("alg none", unsigned));
    for (what, token) in cases {
        let r = app.get("/api/v1/me", Some(&token)).await;
        assert_eq!(r.status.as_u16(), 401, "{what}: {}", r.body);
        assert_eq!(r.code(), "invalid_token", "{what}");
    }
    // A well-signed token naming a session that does not exist is refused too.
    let mut claims = good.clone();
    claims["sid"] = json!(uuid::Uuid::new_v4().to_string());
    app.get(
        "/api/v1/me",
        Some(&sign(&claims, Algorithm::HS256, JWT_SECRET)),
    )
    .await
    .expect_problem(401, "session_revoked");
}

/// Base64url without padding, enough to forge a header by hand.
mod base64_url {
    pub fn encode(input: &str) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = input.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
            let chars = chunk.len() + 1;
            for i in 0..chars {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}
