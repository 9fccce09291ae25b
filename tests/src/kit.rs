//! Steps that read like the process, for tests to start from and extend: cast, close and publish a
//! vote (each asserting its answer as it goes), an account for a responsible department, and the
//! fixture most follow-up tests need — an adopted project with its department and its supervision
//! group.

use serde_json::{Value, json};

use crate::{Handle, SessionSetup};

/// A project adopted by a published vote, with the people who follow it up.
pub struct AdoptedProject {
    /// The admin's access token.
    pub admin: String,
    /// The session the vote was held in; its deputies are all present.
    pub session: SessionSetup,
    pub vote: String,
    /// The adopted project (its responsible department is 县住建局).
    pub project: String,
    /// The other candidate, returned to the reserve.
    pub reserve: String,
    /// Access token of the responsible department's account (县住建局).
    pub department: String,
    /// The supervision group following the project.
    pub group: String,
    /// Access token of a deputy in the group (the session's first deputy).
    pub member: String,
}

impl Handle {
    /// Casts a ballot (201) and returns its receipt.
    pub async fn cast(&self, vote: &str, token: &str, ballot: Value) -> String {
        let r = self
            .post(
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(token),
                ballot,
            )
            .await
            .expect(201);
        assert_eq!(r["vote_id"], vote, "{r}");
        r["receipt"].as_str().expect("a receipt").to_owned()
    }

    /// Closes an open vote (200) and returns it, closed.
    pub async fn close(&self, admin: &str, vote: &str) -> Value {
        let v = self
            .post(
                &format!("/api/v1/votes/{vote}/close"),
                Some(admin),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(v["status"], "closed", "{v}");
        v
    }

    /// Publishes a closed vote (200) and returns its results.
    pub async fn publish(&self, admin: &str, vote: &str) -> Value {
        let r = self
            .post(
                &format!("/api/v1/votes/{vote}/publish"),
                Some(admin),
                json!({}),
            )
            .await
            .expect(200);
        assert_eq!(r["vote"]["status"], "published", "{r}");
        r
    }

    /// Creates a department account and returns its access token once the one-time password has
    /// been changed.
    pub async fn department(&self, admin: &str, username: &str, department: &str) -> String {
        let created = self
            .post(
                "/api/v1/accounts",
                Some(admin),
                json!({"username": username, "display_name": department, "role": "department", "department": department}),
            )
            .await
            .expect(201);
        let first = self
            .login(username, created["initial_password"].as_str().unwrap())
            .await;
        self.put(
            "/api/v1/me/password",
            Some(&first.access),
            json!({"current_password": created["initial_password"], "new_password": "department-pw-1"}),
        )
        .await
        .expect(200)["access_token"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Three deputies adopt one project of two (one seat), 县住建局 gets its account, and a
    /// supervision group led by the first deputy follows the project.
    pub async fn adopted_project(&self) -> AdoptedProject {
        let admin = self.admin().await;
        let session = self.session_with(&admin, 3).await;
        let ids = self.projects(&admin, 2).await;
        let vote = self
            .open_vote(
                &admin,
                &session.id,
                json!({"title": "票决", "method": "choose_up_to_n", "seats": 1, "candidate_ids": ids}),
            )
            .await;
        for (_, token) in &session.deputies {
            self.cast(&vote, token, json!({"selections": [ids[0]]}))
                .await;
        }
        self.close(&admin, &vote).await;
        let results = self.publish(&admin, &vote).await;
        let adopted: Vec<&Value> = results["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["adopted"] == true)
            .map(|c| &c["project_id"])
            .collect();
        assert_eq!(adopted, [&json!(ids[0])], "{results}");
        let department = self.department(&admin, "zjj-kit", "县住建局").await;
        let (leader, member) = (&session.deputies[0].0, session.deputies[0].1.clone());
        let group = self
            .post(
                "/api/v1/supervision-groups",
                Some(&admin),
                json!({"name": "第一监督组", "year": 2027, "leader_id": leader, "member_ids": [leader], "project_ids": [ids[0]]}),
            )
            .await
            .expect(201)["id"]
            .as_str()
            .unwrap()
            .to_owned();
        AdoptedProject {
            admin,
            vote,
            project: ids[0].clone(),
            reserve: ids[1].clone(),
            department,
            group,
            member,
            session,
        }
    }
}
