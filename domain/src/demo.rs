//! A realistic demonstration data set: a county congress of 327 deputies, 15 candidate livelihood
//! projects and a draft vote for 10 seats, so a newcomer can walk a whole vote in Swagger UI.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    Role,
    accounts::{Credentials, DeputyInput, NewAccount, create_account, create_deputies},
    auth::authenticate,
    entities::{accounts, deputies, votes},
    error::{Error, Result},
    passwords::PasswordHasher,
    projects::{self, ProjectInput},
    sessions,
    votes::{
        rules::{Method, ThresholdBase},
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

pub struct DemoInfo {
    pub session_id: Uuid,
    pub vote_id: Uuid,
    /// A few deputy usernames to log in with.
    pub sample_deputies: Vec<String>,
    /// A deputy on the roster who has not checked in yet (to try check-in).
    pub absent_deputy: String,
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
        let vote = votes::Entity::find()
            .filter(votes::Column::Title.eq("2027年县民生实事项目票决"))
            .one(db)
            .await?
            .ok_or_else(|| {
                Error::Internal("the demo data set is incomplete; use a fresh database".into())
            })?;
        return Ok(DemoInfo {
            session_id: vote.session_id,
            vote_id: vote.id,
            sample_deputies: samples,
            absent_deputy: absent,
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
        Credentials::Shared {
            password: DEPUTY_PASSWORD.into(),
            hash: hash.clone(),
        },
        rows,
    )
    .await?;
    // One account per responsible department, to report progress once projects are adopted.
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
        create_account(db, shared, &admin, input).await?;
    }

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
            title: "2027年县民生实事项目票决".into(),
            method: Method::ChooseUpToN,
            seats: 10,
            candidate_ids,
            threshold_base: ThresholdBase::AllDeputies,
            secret: true,
            publish_ballots: false,
        },
    )
    .await?;
    Ok(DemoInfo {
        session_id: session.session.id,
        vote_id: vote.vote.id,
        sample_deputies: samples,
        absent_deputy: absent,
    })
}
