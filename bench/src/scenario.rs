//! The service's figures: a congress of `deputies` logs in, votes on 15 candidates for 10 seats,
//! and the public reads the published results; the tally is timed on its own.

use std::{
    collections::BTreeSet,
    sync::{Arc, Mutex},
    time::Instant,
};

use anyhow::{Context, bail, ensure};
use rand::{Rng, seq::SliceRandom};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Row, Settings, load, server::Server};

const CANDIDATES: usize = 15;
const SEATS: usize = 10;

/// A thin JSON client of the service under test.
#[derive(Clone)]
struct Api {
    client: reqwest::Client,
    base: String,
}

impl Api {
    async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        from: Option<&str>,
        want: StatusCode,
    ) -> anyhow::Result<Value> {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(addr) = from {
            req = req.header("x-forwarded-for", addr);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await?;
        let status = resp.status();
        let bytes = resp.bytes().await?;
        if status != want {
            bail!(
                "{path}: {status} (wanted {want}): {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    async fn post(&self, path: &str, token: &str, body: Value, want: u16) -> anyhow::Result<Value> {
        let want = StatusCode::from_u16(want)?;
        self.call(Method::POST, path, Some(token), Some(body), None, want)
            .await
    }

    async fn put(&self, path: &str, token: &str, body: Value) -> anyhow::Result<Value> {
        self.call(
            Method::PUT,
            path,
            Some(token),
            Some(body),
            None,
            StatusCode::OK,
        )
        .await
    }

    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        self.call(Method::GET, path, None, None, None, StatusCode::OK)
            .await
    }
}

/// The address deputy `i` comes from.
fn address(i: usize) -> String {
    format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255)
}

fn token(v: &Value) -> anyhow::Result<String> {
    Ok(v["access_token"]
        .as_str()
        .context("an access token")?
        .to_owned())
}

pub async fn run(
    s: &Settings,
    server: &Server,
    commits: f64,
    hashes: f64,
) -> anyhow::Result<Vec<Row>> {
    let api = Api {
        client: reqwest::Client::builder()
            .pool_max_idle_per_host(s.in_flight * 2)
            .build()?,
        base: server.base.clone(),
    };
    let mut rows = Vec::new();
    let rss_start = server.rss_mb();

    // The machine's trivial endpoint rate, through the same server.
    let health = {
        let api = api.clone();
        load::repeat(s.seconds, s.in_flight, move || {
            let api = api.clone();
            async move { api.get("/health").await.map(|_| ()) }
        })
        .await?
    };

    // The office: deputies, a session, 15 candidates, a draft vote.
    println!("preparing {} deputies…", s.deputies);
    let admin = token(
        &api.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": crate::server::ADMIN_PASSWORD})),
            None,
            StatusCode::OK,
        )
        .await?,
    )?;
    let mut deputies: Vec<(String, String, String)> = Vec::new(); // id, username, password
    for chunk in (0..s.deputies).collect::<Vec<_>>().chunks(2000) {
        let csv: String = chunk
            .iter()
            .map(|i| format!("B{:05},代表{},第{}代表团\n", i + 1, i + 1, i % 12 + 1))
            .collect();
        let resp = api
            .client
            .post(format!("{}/api/v1/deputies/import", api.base))
            .bearer_auth(&admin)
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await?;
        ensure!(resp.status() == 201, "import: {}", resp.text().await?);
        let body: Value = resp.json().await?;
        for row in body["created"].as_array().context("created")? {
            deputies.push((
                row["deputy"]["id"].as_str().context("id")?.to_owned(),
                row["username"].as_str().context("username")?.to_owned(),
                row["initial_password"]
                    .as_str()
                    .context("password")?
                    .to_owned(),
            ));
        }
    }
    ensure!(deputies.len() == s.deputies, "every deputy imported");
    let session = api
        .post(
            "/api/v1/sessions",
            &admin,
            json!({"name": "基准测试会议", "year": 2027}),
            201,
        )
        .await?["id"]
        .as_str()
        .context("session id")?
        .to_owned();
    let ids: Vec<&String> = deputies.iter().map(|d| &d.0).collect();
    api.put(
        &format!("/api/v1/sessions/{session}/roster"),
        &admin,
        json!({"deputy_ids": ids}),
    )
    .await?;
    api.put(
        &format!("/api/v1/sessions/{session}/attendance"),
        &admin,
        json!({"deputy_ids": ids, "present": true}),
    )
    .await?;
    let mut candidates = Vec::new();
    for i in 0..CANDIDATES {
        let p = api
            .post(
                "/api/v1/projects",
                &admin,
                json!({"title": format!("民生项目{}", i + 1), "summary": "改善群众生活", "category": "民生",
                       "department": "县住建局", "budget_yuan": 1_200_000, "year": 2027, "source": "public",
                       "planned_completion": "2027-12-31"}),
                201,
            )
            .await?;
        candidates.push(p["id"].as_str().context("project id")?.to_owned());
    }
    let vote = api
        .post(
            &format!("/api/v1/sessions/{session}/votes"),
            &admin,
            json!({"title": "民生实事项目票决", "method": "choose_up_to_n", "seats": SEATS,
                   "candidate_ids": candidates, "secret": true}),
            201,
        )
        .await?["id"]
        .as_str()
        .context("vote id")?
        .to_owned();

    // The login storm: every deputy logs in (a full argon2id verification each), from its own
    // address, while the public reads the board; then each sets a password of their own.
    println!("login storm…");
    let deputies = Arc::new(deputies);
    let reading = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let side_reads = {
        let (api, reading) = (api.clone(), reading.clone());
        tokio::spawn(async move {
            let mut lat = Vec::new();
            // A citizen's pace, not a flood: twenty reads a second.
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(50));
            while reading.load(std::sync::atomic::Ordering::Relaxed) {
                tick.tick().await;
                let t = Instant::now();
                api.get("/api/v1/projects/board?year=2027").await?;
                lat.push(t.elapsed());
            }
            lat.sort();
            anyhow::Ok(lat)
        })
    };
    let tokens: Arc<Mutex<Vec<String>>> = Arc::new(Mutex::new(vec![String::new(); s.deputies]));
    let logins = {
        let (api, deputies, tokens) = (api.clone(), deputies.clone(), tokens.clone());
        load::jobs(s.deputies, s.in_flight, move |i| {
            let (api, deputies, tokens) = (api.clone(), deputies.clone(), tokens.clone());
            async move {
                let (_, username, password) = &deputies[i];
                let v = api
                    .call(
                        Method::POST,
                        "/api/v1/auth/login",
                        None,
                        Some(json!({"username": username, "password": password})),
                        Some(&address(i)),
                        StatusCode::OK,
                    )
                    .await?;
                tokens.lock().unwrap()[i] = token(&v)?;
                Ok(())
            }
        })
        .await?
    };
    reading.store(false, std::sync::atomic::Ordering::Relaxed);
    let side = side_reads.await??;
    let side_p99 = side
        .get(((side.len().max(1) - 1) as f64 * 0.99) as usize)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0);
    let rss_logins = server.rss_mb();
    let changes = {
        let (api, deputies, tokens) = (api.clone(), deputies.clone(), tokens.clone());
        load::jobs(s.deputies, s.in_flight, move |i| {
            let (api, deputies, tokens) = (api.clone(), deputies.clone(), tokens.clone());
            async move {
                let old = tokens.lock().unwrap()[i].clone();
                let v = api
                    .call(
                        Method::PUT,
                        "/api/v1/me/password",
                        Some(&old),
                        Some(json!({"current_password": deputies[i].2, "new_password": "deputy-password-1"})),
                        Some(&address(i)),
                        StatusCode::OK,
                    )
                    .await?;
                tokens.lock().unwrap()[i] = token(&v)?;
                Ok(())
            }
        })
        .await?
    };

    // The vote: every deputy casts a random ballot (0 to 10 of the 15), 64 in flight.
    api.post(
        &format!("/api/v1/votes/{vote}/open"),
        &admin,
        json!({}),
        200,
    )
    .await?;
    println!("ballots…");
    let mut rng = rand::rng();
    let ballots: Vec<Vec<String>> = (0..s.deputies)
        .map(|_| {
            let k = rng.random_range(0..=SEATS);
            let mut c = candidates.clone();
            c.shuffle(&mut rng);
            c.truncate(k);
            c
        })
        .collect();
    let ballots = Arc::new(ballots);
    let cast = {
        let (api, tokens, ballots, vote) =
            (api.clone(), tokens.clone(), ballots.clone(), vote.clone());
        load::jobs(s.deputies, s.in_flight, move |i| {
            let (api, tokens, ballots, vote) =
                (api.clone(), tokens.clone(), ballots.clone(), vote.clone());
            async move {
                let t = tokens.lock().unwrap()[i].clone();
                api.call(
                    Method::POST,
                    &format!("/api/v1/votes/{vote}/ballots"),
                    Some(&t),
                    Some(json!({"selections": ballots[i]})),
                    Some(&address(i)),
                    StatusCode::CREATED,
                )
                .await?;
                Ok(())
            }
        })
        .await?
    };
    let rss_ballots = server.rss_mb();

    // Close, and check the count is exactly what was cast.
    api.post(
        &format!("/api/v1/votes/{vote}/close"),
        &admin,
        json!({}),
        200,
    )
    .await?;
    let results = api
        .call(
            Method::GET,
            &format!("/api/v1/votes/{vote}/results"),
            Some(&admin),
            None,
            None,
            StatusCode::OK,
        )
        .await?;
    ensure!(
        results["ballots_cast"].as_u64() == Some(s.deputies as u64),
        "ballots_cast {} of {}",
        results["ballots_cast"],
        s.deputies
    );
    for c in results["candidates"].as_array().context("candidates")? {
        let id = c["project_id"].as_str().context("project_id")?;
        let expected = ballots.iter().filter(|b| b.iter().any(|x| x == id)).count();
        ensure!(
            c["yes"].as_u64() == Some(expected as u64),
            "candidate {id}: counted {} yes, cast {expected}",
            c["yes"]
        );
    }
    api.post(
        &format!("/api/v1/votes/{vote}/publish"),
        &admin,
        json!({}),
        200,
    )
    .await?;

    // The public reads what was published.
    println!("reads…");
    let mut reads = Vec::new();
    for (figure, path) in [
        ("published results", format!("/api/v1/votes/{vote}/results")),
        ("the bulletin", format!("/api/v1/votes/{vote}/bulletin")),
        ("the board", "/api/v1/projects/board?year=2027".to_owned()),
    ] {
        let first = api.get(&path).await?;
        if figure == "the bulletin" {
            ensure!(
                first["entries"].as_array().map(Vec::len) == Some(s.deputies),
                "the bulletin lists every ballot's receipt"
            );
        }
        let expected = serde_json::to_vec(&first)?.len();
        let api = api.clone();
        // The body is read whole but not parsed: the client shares the cores with the service.
        let stats = load::repeat(s.seconds, s.in_flight, move || {
            let (api, path) = (api.clone(), path.clone());
            async move {
                let body = api
                    .client
                    .get(format!("{}{path}", api.base))
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?;
                ensure!(body.len() + 64 >= expected, "{path}: a short answer");
                Ok(())
            }
        })
        .await?;
        reads.push((figure, stats));
    }

    // The tally alone, in this process: 3,000 ballots × 15 candidates.
    let tally_ms = tally_time(s.deputies);

    let h = health.rate();
    rows.push(
        Row::new(
            "ballots, durable",
            format!("{:.0}/s, {}", cast.rate(), cast.latency_line()),
        )
        .against(
            format!("{commits:.0} single-row durable commits/s"),
            cast.rate() / commits,
        ),
    );
    for (figure, st) in &reads {
        rows.push(
            Row::new(
                &format!("{figure}, read by the public"),
                format!("{:.0} requests/s, {}", st.rate(), st.latency_line()),
            )
            .against(format!("{h:.0} requests/s for /health"), st.rate() / h),
        );
    }
    rows.push(
        Row::new(
            "logins (full argon2id each)",
            format!("{:.1}/s, {}", logins.rate(), logins.latency_line()),
        )
        .against(
            format!("{hashes:.1} argon2id hashes/s on every core"),
            logins.rate() / hashes,
        ),
    );
    rows.push(
        Row::new(
            "password changes (two hashes each)",
            format!("{:.1}/s", changes.rate()),
        )
        .against(
            format!("{:.1} (half the hash rate)", hashes / 2.0),
            changes.rate() / (hashes / 2.0),
        ),
    );
    rows.push(Row::new(
        "board reads during the login storm",
        format!("p99 {side_p99:.0} ms over {} reads", side.len()),
    ));
    rows.push(Row::new(
        &format!("tally of {} ballots × {CANDIDATES} candidates", s.deputies),
        format!("{tally_ms:.2} ms"),
    ));
    rows.push(Row::new(
        "resident memory",
        format!(
            "{rss_start:.0} MB at start, {rss_logins:.0} MB after the logins, {rss_ballots:.0} MB after the ballots"
        ),
    ));
    Ok(rows)
}

/// The median of 20 tallies of `n` random ballots over 15 candidates, in milliseconds.
fn tally_time(n: usize) -> f64 {
    use minsheng_domain::votes::{
        rules::{Ballot, ThresholdBase},
        tally::{TallyInput, tally},
    };
    let candidates: Vec<Uuid> = (0..CANDIDATES).map(|_| Uuid::new_v4()).collect();
    let mut rng = rand::rng();
    let ballots: Vec<Ballot> = (0..n)
        .map(|_| {
            let mut c = candidates.clone();
            c.shuffle(&mut rng);
            let k = rng.random_range(0..=SEATS);
            Ballot::Selections(c.into_iter().take(k).collect::<BTreeSet<_>>())
        })
        .collect();
    let input = TallyInput {
        seats: SEATS as u32,
        base: ThresholdBase::AllDeputies,
        roster: n as u32,
        present: n as u32,
        candidates: &candidates,
        ballots: &ballots,
    };
    let mut times: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            let r = tally(&input);
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            assert_eq!(r.ballots_cast as usize, n);
            ms
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
