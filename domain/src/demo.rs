//! A realistic demonstration data set: a county congress of 327 deputies, 15 candidate livelihood
//! projects and a draft vote for 10 seats, so a newcomer can walk a whole vote in Swagger UI; and
//! the previous year's congress already decided — a published vote, its adopted projects with
//! progress reports, a supervision group, a problem, and a published rating round at this year's
//! session — so the follow-up can be tried at once (a vote run by hand cannot reach 164 yes).
//! Everything is made through the domain services, as the office would make it.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    Actor, Role,
    accounts::{Credentials, DeputyInput, NewAccount, create_account, create_deputies},
    auth::authenticate,
    entities::{accounts, deputies, evaluations, project_baselines, votes},
    error::{Error, Result},
    evaluations::{
        grade::Rating,
        service::{self as rating_service, EvaluationDraft},
    },
    followup::{
        groups::{self, GroupInput},
        problems::{self, NewProblem},
        progress::{self, NewMilestone, NewProgress},
    },
    passwords::PasswordHasher,
    projects::{self, ProjectInput},
    sessions,
    vocabulary::VoteStatus,
    votes::{
        rules::{Method, RawBallot, ThresholdBase},
        service::{self as vote_service, VoteDraft},
    },
};

/// Every demo deputy's password; the demo is not for real data.
pub const DEPUTY_PASSWORD: &str = "minsheng-demo";
pub const DEPUTIES: usize = 327;
pub const PRESENT: usize = 300;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "高", "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "秀英", "敏", "静", "丽华", "强", "磊", "军", "洋", "勇", "艳", "建国", "娟", "涛",
    "明", "超", "兰", "霞", "平", "刚", "桂英", "志强", "海燕",
];
const DELEGATIONS: [&str; 12] = [
    "城关镇",
    "东城街道",
    "西城街道",
    "南湖镇",
    "北山镇",
    "青石镇",
    "白沙乡",
    "清溪镇",
    "桃源乡",
    "龙泉镇",
    "新港镇",
    "解放军",
];

/// Login names of the responsible departments' demo accounts.
pub const DEPARTMENTS: [(&str, &str); 11] = [
    ("dept-zjj", "县住房和城乡建设局"),
    ("dept-slj", "县水利局"),
    ("dept-jyj", "县教育局"),
    ("dept-scjgj", "县市场监督管理局"),
    ("dept-wjj", "县卫生健康局"),
    ("dept-mzj", "县民政局"),
    ("dept-jtj", "县交通运输局"),
    ("dept-wlj", "县文化和旅游体育局"),
    ("dept-cl", "县残疾人联合会"),
    ("dept-swj", "县商务局"),
    ("dept-rsj", "县人力资源和社会保障局"),
];

/// (title, category, department, budget in yuan, source)
const PROJECTS: [(&str, &str, &str, i64, &str); 15] = [
    (
        "城区老旧小区改造提升工程",
        "城乡建设",
        "县住房和城乡建设局",
        38_000_000,
        "public",
    ),
    (
        "农村饮用水安全巩固提升工程",
        "水利",
        "县水利局",
        26_500_000,
        "deputy",
    ),
    (
        "新建城东公办幼儿园",
        "教育",
        "县教育局",
        18_000_000,
        "public",
    ),
    (
        "中小学校园食堂“明厨亮灶”改造",
        "食品安全",
        "县市场监督管理局",
        3_200_000,
        "deputy",
    ),
    (
        "县人民医院急诊急救能力提升",
        "医疗卫生",
        "县卫生健康局",
        22_000_000,
        "department",
    ),
    (
        "乡镇卫生院家庭医生签约服务扩面",
        "医疗卫生",
        "县卫生健康局",
        4_800_000,
        "public",
    ),
    (
        "居家养老服务中心建设（10个）",
        "养老",
        "县民政局",
        9_600_000,
        "public",
    ),
    (
        "城区新增公共停车位800个",
        "交通",
        "县交通运输局",
        12_000_000,
        "public",
    ),
    (
        "农村公路提质改造100公里",
        "交通",
        "县交通运输局",
        45_000_000,
        "deputy",
    ),
    (
        "城区雨污分流改造",
        "生态环境",
        "县住房和城乡建设局",
        31_000_000,
        "department",
    ),
    (
        "全民健身口袋公园建设（8个）",
        "文体",
        "县文化和旅游体育局",
        6_400_000,
        "public",
    ),
    (
        "困难残疾人家庭无障碍改造",
        "社会保障",
        "县残疾人联合会",
        1_500_000,
        "deputy",
    ),
    (
        "农贸市场标准化改造",
        "商贸",
        "县商务局",
        7_200_000,
        "public",
    ),
    (
        "零工市场建设",
        "就业",
        "县人力资源和社会保障局",
        2_600_000,
        "department",
    ),
    (
        "城乡公交一体化新增线路",
        "交通",
        "县交通运输局",
        8_800_000,
        "public",
    ),
];

/// This year's vote, as titled in the demo.
pub const VOTE_TITLE: &str = "2027年县民生实事项目票决";
/// Last year's vote, already published.
pub const PREVIOUS_VOTE_TITLE: &str = "2026年县民生实事项目票决";
/// The rating of last year's projects at this year's session, already published.
pub const RATING_TITLE: &str = "2026年民生实事项目满意度测评";
const GROUP_NAME: &str = "第一监督组";
/// Last year's seats; its first `PREVIOUS_SEATS` candidates are adopted.
pub const PREVIOUS_SEATS: usize = 5;
/// Deputies who voted in last year's vote (all present, 327 on the roster: 164 yes adopt).
const PREVIOUS_BALLOTS: usize = 220;
/// Deputies who rated last year's projects.
const RATERS: usize = 200;

/// (title, category, department, budget in yuan): last year's candidates; the first five adopted.
const PREVIOUS_PROJECTS: [(&str, &str, &str, i64); 7] = [
    (
        "城区背街小巷改造提升",
        "城乡建设",
        "县住房和城乡建设局",
        16_000_000,
    ),
    ("农村供水管网延伸工程", "水利", "县水利局", 21_000_000),
    ("义务教育学校空调进教室", "教育", "县教育局", 8_500_000),
    ("城乡公交站亭改造200座", "交通", "县交通运输局", 4_000_000),
    ("社区嵌入式养老服务站（6个）", "养老", "县民政局", 6_600_000),
    (
        "全民健身步道建设30公里",
        "文体",
        "县文化和旅游体育局",
        5_200_000,
    ),
    ("农贸市场智慧计量改造", "商贸", "县商务局", 1_800_000),
];

pub struct DemoInfo {
    pub session_id: Uuid,
    pub vote_id: Uuid,
    /// This year's vote as found: a draft on a new demo; open, closed or published if an earlier
    /// run of the demo on this database got that far.
    pub vote_status: VoteStatus,
    /// True when this start created the data set; false when it found it from an earlier start.
    pub created: bool,
    /// A few deputy usernames to log in with.
    pub sample_deputies: Vec<String>,
    /// A deputy on the roster who has not checked in yet (to try check-in).
    pub absent_deputy: String,
    /// Last year's congress, or `None` on a demo database seeded before it was part of the demo.
    pub previous: Option<PreviousYear>,
}

/// Last year's congress in the demo.
pub struct PreviousYear {
    pub session_id: Uuid,
    /// The published vote.
    pub vote_id: Uuid,
    /// An adopted project under way: progress reported, in a supervision group, with a problem.
    pub project_id: Uuid,
    /// The supervision group (its leader is dep001, its members dep001 to dep005).
    pub group_id: Uuid,
    /// The published rating round, held at this year's session.
    pub rating_id: Uuid,
}

fn username(i: usize) -> String {
    format!("dep{i:03}")
}

/// Seeds the demo once; on later starts finds it again.
pub async fn seed(db: &DatabaseConnection, hasher: &PasswordHasher) -> Result<DemoInfo> {
    let samples = vec![username(1), username(2), username(3)];
    let absent = username(PRESENT + 1);
    let seeded = deputies::Entity::find()
        .filter(deputies::Column::DeputyCode.eq("R001"))
        .one(db)
        .await?
        .is_some();
    if seeded {
        let vote = vote_titled(db, VOTE_TITLE).await?.ok_or_else(|| {
            Error::Internal(
                "the demo data set is incomplete; delete minsheng-demo.db* and start again".into(),
            )
        })?;
        return Ok(DemoInfo {
            session_id: vote.session_id,
            vote_id: vote.id,
            vote_status: vote.status,
            created: false,
            sample_deputies: samples,
            absent_deputy: absent,
            previous: find_previous(db).await?,
        });
    }
    let admin_account = accounts::Entity::find()
        .filter(accounts::Column::Role.eq(Role::Admin))
        .one(db)
        .await?
        .ok_or_else(|| Error::Internal("create the admin before seeding".into()))?;
    let admin = authenticate(db, admin_account.id).await?;

    let rows = (1..=DEPUTIES)
        .map(|i| {
            let name = format!(
                "{}{}",
                SURNAMES[i % SURNAMES.len()],
                GIVEN[(i * 7) % GIVEN.len()]
            );
            let delegation = format!("{}代表团", DELEGATIONS[i % DELEGATIONS.len()]);
            DeputyInput::parse(&format!("R{i:03}"), &name, &delegation, Some(&username(i)))
                .map(|d| (None, d))
        })
        .collect::<Result<Vec<_>>>()?;
    // One hash for all demo deputies keeps seeding to a second.
    let hash = hasher.hash(DEPUTY_PASSWORD).await?;
    let created = create_deputies(
        db,
        None,
        Credentials::Shared {
            password: DEPUTY_PASSWORD.into(),
            hash: hash.clone(),
        },
        rows,
    )
    .await?;
    // One account per responsible department, to report progress once projects are adopted.
    let mut department_accounts = Vec::new();
    for (username, department) in DEPARTMENTS {
        let input = NewAccount {
            username: username.into(),
            display_name: department.into(),
            role: Role::Department,
            department: Some(department.into()),
        };
        let shared = Credentials::Shared {
            password: DEPUTY_PASSWORD.into(),
            hash: hash.clone(),
        };
        let (account, _) = create_account(db, shared, &admin, input).await?;
        department_accounts.push((department, account.id));
    }
    let deputy_accounts: Vec<Uuid> = created.iter().map(|c| c.deputy.account_id).collect();
    let previous_session = previous_year_vote(db, &admin, &created).await?;

    let mut candidate_ids = Vec::new();
    for (title, category, department, budget, source) in PROJECTS {
        let p = projects::create(
            db,
            &admin,
            ProjectInput {
                title: title.into(),
                summary: format!("{title}：由{department}牵头实施，年内完成，惠及城乡群众。"),
                category: category.into(),
                department: department.into(),
                budget_yuan: budget,
                year: 2027,
                source: source.into(),
                planned_completion: chrono::NaiveDate::from_ymd_opt(2027, 12, 31),
            },
        )
        .await?;
        candidate_ids.push(p.id);
    }

    let session = sessions::create(db, &admin, "某县第十八届人民代表大会第五次会议", 2027).await?;
    let present: Vec<Uuid> = created.iter().take(PRESENT).map(|c| c.deputy.id).collect();
    sessions::set_attendance(db, &admin, session.session.id, &present, true).await?;
    let vote = vote_service::create(
        db,
        &admin,
        session.session.id,
        VoteDraft {
            title: VOTE_TITLE.into(),
            method: Method::ChooseUpToN,
            seats: 10,
            candidate_ids,
            threshold_base: ThresholdBase::AllDeputies,
            secret: true,
            publish_ballots: false,
        },
    )
    .await?;
    let previous = follow_up_previous_year(
        db,
        &admin,
        previous_session,
        session.session.id,
        &deputy_accounts,
        &department_accounts,
    )
    .await?;
    Ok(DemoInfo {
        session_id: session.session.id,
        vote_id: vote.vote.id,
        vote_status: vote.status,
        created: true,
        sample_deputies: samples,
        absent_deputy: absent,
        previous: Some(previous),
    })
}

async fn vote_titled(db: &DatabaseConnection, title: &str) -> Result<Option<votes::Model>> {
    Ok(votes::Entity::find()
        .filter(votes::Column::Title.eq(title))
        .one(db)
        .await?)
}

/// Last year's congress as an earlier start left it, if this demo database has it.
async fn find_previous(db: &DatabaseConnection) -> Result<Option<PreviousYear>> {
    use crate::entities::{projects as project_rows, supervision_groups};
    let Some(vote) = vote_titled(db, PREVIOUS_VOTE_TITLE).await? else {
        return Ok(None);
    };
    let project = project_rows::Entity::find()
        .filter(project_rows::Column::Title.eq(PREVIOUS_PROJECTS[0].0))
        .one(db)
        .await?;
    let group = supervision_groups::Entity::find()
        .filter(supervision_groups::Column::Name.eq(GROUP_NAME))
        .one(db)
        .await?;
    let rating = evaluations::Entity::find()
        .filter(evaluations::Column::Title.eq(RATING_TITLE))
        .one(db)
        .await?;
    Ok(match (project, group, rating) {
        (Some(p), Some(g), Some(r)) => Some(PreviousYear {
            session_id: vote.session_id,
            vote_id: vote.id,
            project_id: p.id,
            group_id: g.id,
            rating_id: r.id,
        }),
        _ => None,
    })
}

/// Last year's session and its vote, cast and published: 220 of the 300 present deputies vote,
/// 176 of them for the first five candidates (164 yes adopt, a majority of all 327), so five are
/// adopted and two go back to the reserve. Returns the session and the vote.
async fn previous_year_vote(
    db: &DatabaseConnection,
    admin: &Actor,
    deputies: &[crate::accounts::CreatedDeputy],
) -> Result<(Uuid, Uuid, Vec<Uuid>)> {
    let mut candidates = Vec::new();
    for (title, category, department, budget) in PREVIOUS_PROJECTS {
        let p = projects::create(
            db,
            admin,
            ProjectInput {
                title: title.into(),
                summary: format!("{title}：由{department}牵头实施，2026年内完成。"),
                category: category.into(),
                department: department.into(),
                budget_yuan: budget,
                year: 2026,
                source: "public".into(),
                planned_completion: chrono::NaiveDate::from_ymd_opt(2026, 12, 31),
            },
        )
        .await?;
        candidates.push(p.id);
    }
    let session = sessions::create(db, admin, "某县第十八届人民代表大会第四次会议", 2026).await?;
    let session_id = session.session.id;
    let present: Vec<Uuid> = deputies.iter().take(PRESENT).map(|c| c.deputy.id).collect();
    sessions::set_attendance(db, admin, session_id, &present, true).await?;
    let vote = vote_service::create(
        db,
        admin,
        session_id,
        VoteDraft {
            title: PREVIOUS_VOTE_TITLE.into(),
            method: Method::ChooseUpToN,
            seats: PREVIOUS_SEATS as u32,
            candidate_ids: candidates.clone(),
            threshold_base: ThresholdBase::AllDeputies,
            secret: true,
            publish_ballots: false,
        },
    )
    .await?;
    let vote_id = vote.vote.id;
    vote_service::open(db, admin, vote_id).await?;
    for (i, d) in deputies.iter().take(PREVIOUS_BALLOTS).enumerate() {
        let marks = if i % 5 == 4 {
            vec![
                candidates[0],
                candidates[1],
                candidates[2],
                candidates[5],
                candidates[6],
            ]
        } else {
            candidates[..PREVIOUS_SEATS].to_vec()
        };
        let deputy = authenticate(db, d.deputy.account_id).await?;
        vote_service::cast(db, &deputy, vote_id, RawBallot::Selections(marks)).await?;
    }
    vote_service::close(db, admin, vote_id).await?;
    vote_service::publish(db, admin, vote_id).await?;
    // The baseline is frozen on the day of publication, which for the demo is today; last year's
    // congress met in January, so its projects' schedules start then and the board shows them
    // against a year's plan (on schedule, behind, seriously behind) rather than at 0 % expected.
    let adopted = candidates[..PREVIOUS_SEATS].to_vec();
    project_baselines::Entity::update_many()
        .col_expr(
            project_baselines::Column::StartedOn,
            sea_orm::sea_query::Expr::value(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 20).expect("a date"),
            ),
        )
        .filter(project_baselines::Column::ProjectId.is_in(adopted.clone()))
        .exec(db)
        .await?;
    Ok((session_id, vote_id, adopted))
}

/// The year after last year's vote: each adopted project's completion milestone and a progress
/// report from its department, a supervision group of five deputies led by dep001 following the
/// first two, a problem it raised, and the rating of all five at this year's session, published.
async fn follow_up_previous_year(
    db: &DatabaseConnection,
    admin: &Actor,
    (session_id, vote_id, adopted): (Uuid, Uuid, Vec<Uuid>),
    this_session: Uuid,
    deputy_accounts: &[Uuid],
    department_accounts: &[(&str, Uuid)],
) -> Result<PreviousYear> {
    let department = |name: &str| {
        department_accounts
            .iter()
            .find(|(d, _)| *d == name)
            .map(|(_, id)| *id)
            .ok_or_else(|| Error::Internal(format!("no demo account for {name}")))
    };
    for (i, project_id) in adopted.iter().enumerate() {
        let dept = authenticate(db, department(PREVIOUS_PROJECTS[i].2)?).await?;
        progress::add_milestone(
            db,
            &dept,
            *project_id,
            NewMilestone {
                title: "竣工验收".into(),
                due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
                    .ok_or_else(|| Error::Internal("date".into()))?,
            },
        )
        .await?;
        let percent = [85, 60, 100, 45, 70][i % 5];
        progress::report_progress(
            db,
            &dept,
            *project_id,
            NewProgress {
                period: "2026-Q3".into(),
                percent_complete: percent,
                spent_yuan: PREVIOUS_PROJECTS[i].3 * i64::from(percent) / 100,
                note: format!("按计划推进，已完成{percent}%。"),
                attachments: Vec::new(),
            },
        )
        .await?;
    }
    let members: Vec<Uuid> = deputy_accounts.iter().take(5).copied().collect();
    let member_deputies = deputies::Entity::find()
        .filter(deputies::Column::AccountId.is_in(members))
        .all(db)
        .await?;
    let mut member_ids: Vec<Uuid> = member_deputies.iter().map(|d| d.id).collect();
    member_ids.sort_by_key(|id| {
        member_deputies
            .iter()
            .find(|d| d.id == *id)
            .map(|d| d.deputy_code.clone())
    });
    let group = groups::create(
        db,
        admin,
        GroupInput {
            name: GROUP_NAME.into(),
            year: 2026,
            leader_id: member_ids[0],
            member_ids: member_ids.clone(),
            project_ids: adopted[..2].to_vec(),
        },
    )
    .await?;
    let leader = authenticate(db, deputy_accounts[0]).await?;
    problems::raise_problem(
        db,
        &leader,
        adopted[0],
        NewProblem {
            description: "部分小巷施工围挡占道，居民出行不便，夜间照明不足。".into(),
            severity: "medium".into(),
            responsible_department: None,
            deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 15)
                .ok_or_else(|| Error::Internal("date".into()))?,
        },
    )
    .await?;
    // The rating of last year's projects at this year's session (测评 at the next session).
    let round = rating_service::create(
        db,
        admin,
        this_session,
        EvaluationDraft {
            title: RATING_TITLE.into(),
            project_ids: adopted.clone(),
            subject_ids: Vec::new(),
            threshold_base: ThresholdBase::AllDeputies,
        },
    )
    .await?;
    let rating_id = round.evaluation.id;
    rating_service::open(db, admin, rating_id).await?;
    for (i, account) in deputy_accounts.iter().take(RATERS).enumerate() {
        let deputy = authenticate(db, *account).await?;
        let ratings = adopted
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let r = match (i + 3 * k) % 20 {
                    0..=13 => Rating::Satisfied,
                    14..=17 => Rating::BasicallySatisfied,
                    _ => Rating::Unsatisfied,
                };
                (*p, r)
            })
            .collect();
        rating_service::cast(db, &deputy, rating_id, ratings).await?;
    }
    rating_service::close(db, admin, rating_id).await?;
    rating_service::publish(db, admin, rating_id).await?;
    Ok(PreviousYear {
        session_id,
        vote_id,
        project_id: adopted[0],
        group_id: group.group.id,
        rating_id,
    })
}
