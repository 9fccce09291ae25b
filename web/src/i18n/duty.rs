//! The words of the duty-record pages (履职档案 / 积分) and the liaison-station pages (代表联络站).
//! One macro row per string with its Chinese and English.

use super::Lang;

macro_rules! table {
    ($($name:ident: $zh:literal, $en:literal;)+) => {
        pub struct DutyMsg {
            $(pub $name: &'static str,)+
        }
        pub static ZH: DutyMsg = DutyMsg { $($name: $zh,)+ };
        pub static EN: DutyMsg = DutyMsg { $($name: $en,)+ };
    };
}

table! {
    dt_title: "履职档案", "Duty record";
    dt_mine: "我的履职档案", "My duty record";
    dt_total: "合计积分", "Total points";
    dt_date: "日期", "Date";
    dt_none: "本年度还没有履职记录。", "No duties recorded this year yet.";
    dt_no_rules: "本年度积分办法尚未公布，以下各项暂按 0 分计。", "This year's point rules are not set yet; every line counts 0 for now.";
    dt_rules_version: "按积分办法第 {v} 版计分", "Scored by version {v} of the rules";
    dt_excluded: "已更正删除：{reason}", "Struck by a correction: {reason}";
    dt_excluded_plain: "已更正删除", "Struck by a correction";
    dt_unknown_line: "这一条不在您本年度的履职档案中，请刷新页面后再试。", "This line is not in your record for the year; reload the page and try again.";
    dt_correct: "申请更正这一条", "Ask to correct this line";
    dt_wrong: "这一条有错", "This line is wrong";
    dt_duplicate: "这一条重复", "This line is a duplicate";
    dt_missing: "有履职活动漏记了", "An activity is missing";
    dt_missing_hint: "写明活动的日期、名称和佐证，人大常委会办公室核实后补记。", "Give the activity's date, name and proof; the office checks and adds it.";
    dt_reason: "理由", "Reason";
    dt_send: "提交申请", "Send";
    dt_requests: "更正申请", "Correction requests";
    dt_no_requests: "暂无更正申请。", "No correction requests.";
    dt_pending: "待审核", "waiting";
    dt_accepted: "已采纳", "accepted";
    dt_refused: "未采纳", "refused";
    dt_k_session_attended: "出席代表大会会议", "Attended a session";
    dt_k_session_leave: "请假（按半天计）", "Leave (per half day)";
    dt_k_session_absent: "缺席会议（未请假）", "Absent without leave";
    dt_k_vote: "参加票决", "Took part in a vote";
    dt_k_rating: "参加满意度测评", "Took part in a rating";
    dt_k_inspection: "参加视察调研", "Inspection";
    dt_k_suggestion_led: "领衔提出建议", "Led a suggestion";
    dt_k_suggestion_cosigned: "附议建议", "Co-signed a suggestion";
    dt_k_reception_day: "联络站接待选民", "Reception day at a station";
    dt_k_training: "参加履职培训", "Training";
    dt_k_group_activity: "代表小组活动", "Deputies' group activity";
    dt_k_voter_report: "向选民述职", "Reported to voters";
    dt_k_other: "其他履职活动", "Other duty";
    dt_snapshots: "季度亮分", "Quarterly points";
    dt_quarter: "{year} 年第 {q} 季度", "{year} Q{q}";
    dt_as_of: "截至 {date}", "as of {date}";
    dt_public_hint: "人大常委会每季度公布代表履职积分（代表法第五十八条）。点开代表姓名可看每一项。", "The standing committee publishes deputies' duty points each quarter (Deputies Law art. 58). Open a name to see each line.";
    dt_no_snapshots: "还没有公布的季度积分。", "No quarter has been published yet.";
    dt_rules: "积分办法", "Point rules";
    dt_rules_hint: "每项活动每次的分值（请假按每半天计，可为负数）。保存后生成新版本，全年按最新版本计分；已公布的季度积分不变。", "Points per occurrence (leave per half day; may be negative). Saving makes a new version, which scores the whole year; published quarters stay as they were.";
    dt_save_rules: "保存为新版本", "Save as a new version";
    dt_totals: "代表积分", "Deputies' points";
    dt_code: "代表编号", "Deputy code";
    dt_name: "姓名", "Name";
    dt_lines: "条目", "Lines";
    dt_record_activity: "登记履职活动", "Record an activity";
    dt_kind: "活动类别", "Kind";
    dt_title_input: "活动名称", "Title";
    dt_evidence: "佐证材料（如文件编号、签到表）", "Proof (document number, sign-in sheet)";
    dt_record: "登记", "Record";
    dt_leave: "登记请假", "Record leave";
    dt_session: "会议", "Session";
    dt_half_days: "请假半天数（填 0 为取消）", "Half days of leave (0 removes it)";
    dt_leave_reason: "请假理由", "Reason for leave";
    dt_accept: "采纳", "Accept";
    dt_refuse: "不采纳", "Refuse";
    dt_note: "说明（不采纳时必填）", "Note (needed to refuse)";
    dt_add_activity: "补记的活动（采纳漏记申请时必填）", "The activity to add (needed to accept a missing one)";
    dt_take: "生成第 {q} 季度积分", "Take quarter {q}";
    dt_publish: "公布", "Publish";
    dt_published: "已公布", "Published";
    dt_not_published: "未公布", "Not published";
    dt_bad_code: "代表编号有误，请核对。填写的内容已保留。", "A deputy code is wrong; check it. Your input is kept.";
    dt_bad_date: "日期不对（如 2026-11-30），且不能晚于今天。填写的内容已保留。", "The date is not right (e.g. 2026-11-30) or is after today. Your input is kept.";
    dt_bad_text: "请填写必填项，且不要超过长度限制。填写的内容已保留。", "Fill in what is required, within the length limits. Your input is kept.";
    dt_not_now: "这一步现在不能做（状态已经变了），请刷新页面。", "This step cannot be taken now (things changed); reload the page.";
    dt_bad_points: "分值在 -100 到 100 之间。填写的内容已保留。", "Points are from -100 to 100. Your input is kept.";
    dt_need_activity: "采纳漏记申请时，请填写要补记的活动。", "To accept a missing activity, give the activity to add.";
    dt_need_note: "不采纳时请写明理由。", "Give the reason for refusing.";
    dt_pending_exists: "这一条已有待审核的申请。", "A request about this line is already waiting.";
    st_title: "代表联络站", "Liaison stations";
    st_hint: "代表联络站是人大代表联系群众的地方。接待日到站，可以当面向代表反映意见和建议。", "Liaison stations are where deputies meet the people. Come on a reception day to tell a deputy what matters to you.";
    st_kind_normal: "联络站", "Station";
    st_kind_model: "示范站", "Model station";
    st_address: "地址", "Address";
    st_deputies: "进站代表", "Deputies of the station";
    st_next_days: "接下来的接待日", "Next reception days";
    st_past_days: "已举行的接待日", "Past reception days";
    st_on_duty: "值班代表", "On duty";
    st_none_days: "暂无安排。", "None scheduled.";
    st_received: "收到的意见和办理情况", "What was received and done";
    st_none_received: "还没有收到意见。", "Nothing received yet.";
    st_status_received: "已收到，正在办理", "Received, being handled";
    st_status_answered: "已答复", "Answered";
    st_status_passed_on: "已转交 {unit} 办理", "Passed on to {unit}";
    st_status_suggestion: "已形成代表建议第 {n} 号", "Became deputies' suggestion No. {n}";
    st_status_project: "已作为民生实事项目建议报送，由人大票决", "Taken up as a livelihood-project proposal, for the congress to vote on";
    st_handle_project: "作为民生实事项目建议", "Take it up as a project proposal";
    st_project: "项目", "Project";
    st_lookup: "查询办理结果", "Look up the answer";
    st_lookup_hint: "请输入在联络站拿到的查询码（8 位字母和数字）。", "Enter the code you were given at the station (8 letters and digits).";
    st_code: "查询码", "Code";
    st_lookup_btn: "查询", "Look up";
    st_not_found: "没有找到这个查询码，请核对后再试。", "No opinion has this code; check it and try again.";
    st_answer: "答复", "Answer";
    st_suggestion_answer: "代表建议的办理答复", "The answer to the suggestion";
    st_work: "联络站工作", "Station work";
    st_record: "登记群众意见", "Record a citizen's opinion";
    st_citizen: "群众姓名", "Citizen's name";
    st_contact: "联系方式（只有联络站和人大常委会办公室能看到）", "Contact (seen only by the station and the office)";
    st_content: "意见内容", "Opinion";
    st_day: "接待日", "Reception day";
    st_no_day: "不在接待日", "Not on a reception day";
    st_save: "登记", "Record";
    st_code_given: "已登记。请把查询码 {code} 写给群众，凭码查询办理结果。", "Recorded. Give the citizen the code {code} to look up the answer.";
    st_public_notice: "意见内容和办理情况会在联络站的公开页面公示（不含姓名和联系方式），请告诉群众。", "The opinion and what is done with it are shown on the station's public page (never the name or contact); tell the citizen so.";
    st_opinions: "收到的意见", "Opinions received";
    st_handle_answer: "直接答复", "Answer";
    st_handle_pass: "转交部门", "Pass on to a department";
    st_handle_suggestion: "形成代表建议（由我领衔）", "Make it a suggestion (I lead it)";
    st_unit: "转交单位", "Department";
    st_answer_text: "答复内容（群众凭查询码可见）", "Answer (the citizen reads it with the code)";
    st_suggestion_title: "建议标题", "Suggestion title";
    st_create: "新建联络站", "New station";
    st_name: "名称", "Name";
    st_kind: "类型", "Type";
    st_deputy_codes: "进站代表编号（多个用空格分开）", "Deputies' codes (separated by spaces)";
    st_add_day: "安排接待日", "Schedule a reception day";
    st_duty_codes: "值班代表编号", "Deputies on duty (codes)";
    st_note: "备注（如接待时间）", "Note (e.g. hours)";
    pub_links: "公开信息（无需登录）", "Public information (no login)";
    st_not_mine: "您还不是任何联络站的进站代表。", "You are not attached to any station.";
    sj_title: "履职评议", "Ratings of officials' reports";
    sj_hint: "政府组成部门负责人、副县长、法院院长、检察院检察长等向人大常委会报告履职情况，代表进行满意度测评。", "Department heads, deputy county heads, the court's president and the chief prosecutor report on their work; deputies rate them.";
    sj_official_report: "履职报告", "Performance report";
    sj_work_report: "专项工作报告", "Special work report";
    sj_suggestion_handling: "建议办理情况报告", "Report on handling suggestions";
    sj_new: "新增评议对象", "New subject";
    sj_kind: "类别", "Kind";
    sj_name: "姓名或报告名称", "Name, or the report's title";
    sj_post: "职务", "Post";
    sj_unit: "单位", "Unit";
    sj_year: "年度", "Year";
    sj_oral_on: "口头报告日期", "Oral report on";
    sj_written: "书面报告", "Written report";
    sj_grades: "测评结果", "Grades";
    sj_none_grades: "尚未测评。", "Not rated yet.";
    sj_rectification: "整改情况", "Rectification";
    sj_rectify: "登记整改情况", "Record the rectification";
    sj_rectify_hint: "测评不满意的，登记整改情况后在以后的测评中再次测评。", "A subject graded unsatisfied records its rectification and is rated again in a later round.";
    sj_none: "还没有评议对象。", "No subjects yet.";
    sj_save: "保存", "Save";
    sj_in_round: "履职评议对象（可不选）", "Officials' and work reports (optional)";
    sj_manage: "管理评议对象", "Manage subjects";
}

impl Lang {
    /// The duty-record and station pages' words in this language.
    pub fn duty(self) -> &'static DutyMsg {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

impl super::Msg {
    /// The duty words in this table's language (for templates that hold only [`super::Msg`]).
    pub fn duty(&self) -> &'static DutyMsg {
        if self.html_lang == "en" { &EN } else { &ZH }
    }
}

/// An activity kind in words.
pub fn kind_word(d: &DutyMsg, k: minsheng_domain::duty::ActivityKind) -> &'static str {
    use minsheng_domain::duty::ActivityKind as K;
    match k {
        K::SessionAttended => d.dt_k_session_attended,
        K::SessionLeave => d.dt_k_session_leave,
        K::SessionAbsent => d.dt_k_session_absent,
        K::Vote => d.dt_k_vote,
        K::Rating => d.dt_k_rating,
        K::Inspection => d.dt_k_inspection,
        K::SuggestionLed => d.dt_k_suggestion_led,
        K::SuggestionCosigned => d.dt_k_suggestion_cosigned,
        K::ReceptionDay => d.dt_k_reception_day,
        K::Training => d.dt_k_training,
        K::GroupActivity => d.dt_k_group_activity,
        K::VoterReport => d.dt_k_voter_report,
        K::Other => d.dt_k_other,
    }
}
