//! The words of the follow-up pages (the board, a project's record, the department's and the
//! supervision group's desks, the office's groups and year report). One macro row per string with
//! its Chinese and English, so a string cannot exist in one language only.

use super::Lang;

macro_rules! table {
    ($($name:ident: $zh:literal, $en:literal;)+) => {
        #[allow(dead_code)] // words of the office pages still to come
        pub struct FollowMsg {
            $(pub $name: &'static str,)+
        }
        pub static ZH: FollowMsg = FollowMsg { $($name: $zh,)+ };
        pub static EN: FollowMsg = FollowMsg { $($name: $en,)+ };
    };
}

table! {
    board_title: "民生实事项目进展", "Livelihood projects: progress";
    year_suffix: "年", "";
    on_schedule: "按计划", "On schedule";
    behind: "滞后", "Behind";
    seriously_behind: "严重滞后", "Seriously behind";
    completed: "已完成", "Completed";
    not_reported: "尚未报告", "Not reported yet";
    all: "全部", "All";
    all_departments: "全部责任单位", "All departments";
    all_colours: "全部状态", "All statuses";
    filter: "筛选", "Filter";
    status: "状态", "Status";
    done_pct: "已完成", "Done";
    expected_pct: "应完成", "Expected";
    spent: "已支出", "Spent";
    of_budget: "预算", "Budget";
    no_projects: "没有符合条件的项目。", "No project matches.";
    open_problems: "未解决问题", "Open problems";
    overdue_milestones: "逾期节点", "Overdue milestones";
    latest_period: "最近报告期", "Latest report";
    legend_marker: "竖线为按计划应完成的进度。", "The upright line marks the progress the plan expects today.";
    baseline: "基线（票决通过时冻结）", "Baseline (frozen at adoption)";
    started_on: "开始日期", "Start";
    planned_completion: "计划完成", "Planned completion";
    progress_vs_plan: "进度与计划", "Progress against plan";
    chart_label: "实际进度（按报告期）与线性计划对比", "Actual percent by period against the linear plan";
    plan_line: "计划", "Plan";
    actual_line: "实际", "Actual";
    milestone: "节点", "Milestone";
    milestones: "节点", "Milestones";
    today: "今天", "Today";
    money: "资金", "Money";
    variance: "与进度相比", "Against progress";
    ahead_of_progress: "支出快于进度", "spending ahead of progress";
    behind_progress: "支出慢于进度", "spending behind progress";
    on_progress: "与进度相符", "in line with progress";
    days_overdue: "已超过计划完成日期（天）", "Days past planned completion";
    due_on: "计划日期", "Due";
    done_on: "完成日期", "Reached";
    overdue: "逾期", "Overdue";
    pending: "未到期", "Not due";
    reached: "已完成", "Reached";
    problems: "问题", "Problems";
    no_open_problems: "没有未解决的问题。", "No open problems.";
    deadline: "整改期限", "Deadline";
    severity: "严重程度", "Severity";
    sev_low: "一般", "Low";
    sev_medium: "较重", "Medium";
    sev_high: "严重", "High";
    responsible: "责任单位", "Responsible";
    p_open: "待整改", "Open";
    p_rectified: "已整改待验收", "Rectified, awaiting verification";
    p_closed: "已验收", "Verified";
    ratings: "满意度测评", "Satisfaction ratings";
    no_ratings: "尚无公布的测评结果。", "No published rating yet.";
    rate: "满意率", "Satisfaction rate";
    grade: "结果", "Grade";
    counts: "票数（满意／基本满意／不满意）", "Votes (satisfied / basically / unsatisfied)";
    timeline: "时间线", "Timeline";
    reports: "进度报告", "Progress reports";
    period: "报告期", "Period";
    percent: "完成百分比", "Percent complete";
    note: "说明", "Note";
    no_reports: "尚无进度报告。", "No progress report yet.";
    back_to_board: "返回项目进展", "Back to the board";
    // timeline sentences
    t_adopted: "票决通过，冻结基线：预算", "Adopted; baseline budget";
    t_planned: "计划完成", "planned completion";
    t_milestone_due: "节点到期：", "Milestone due: ";
    t_milestone_done: "节点完成：", "Milestone reached: ";
    t_progress: "报告进度：", "Progress reported: ";
    t_complete: "完成", "complete";
    t_spent: "已支出", "spent";
    t_inspection: "监督组", "Supervision group ";
    t_at: "于", " at ";
    t_problem_raised: "提出问题：", "Problem raised: ";
    t_problem_rectified: "责任单位报告整改：", "Rectification reported: ";
    t_problem_sent_back: "监督组退回整改：", "Sent back for rectification: ";
    t_problem_verified: "监督组验收通过：", "Verified: ";
    t_escalation: "人大常委会", "Standing committee ";
    t_rating: "满意度测评结果：", "Rated: ";
    // inspections and escalations
    k_inspection: "视察", "Inspection";
    k_research: "调研", "Research";
    k_briefing: "听取汇报", "Briefing";
    k_special_inquiry: "专题询问", "Special inquiry";
    e_inquiry: "询问", "Inquiry";
    e_appointment: "约见", "Appointment";
    e_interpellation: "质询", "Interpellation";
    e_special_investigation: "特定问题调查", "Special investigation";
    // department desk
    dept_title: "责任单位工作台", "Department desk";
    your_projects: "本单位项目", "Your projects";
    open_problems_by_deadline: "待整改问题（按期限）", "Problems to answer, by deadline";
    no_overdue: "没有逾期节点。", "No overdue milestone.";
    report_progress: "报告进度", "Report progress";
    period_hint: "如 2027-05（月）、2027-Q2（季）、2027-H1（半年）或 2027（年）", "e.g. 2027-05 (month), 2027-Q2 (quarter), 2027-H1 (half year) or 2027 (year)";
    spent_wan: "累计已支出（万元）", "Spent so far (万元, 10,000 yuan)";
    submit_report: "提交进度报告", "Submit report";
    add_milestone: "新增节点", "Add a milestone";
    milestone_title: "节点名称", "Milestone";
    mark_reached: "标记为已完成", "Mark reached";
    rectify: "报告整改", "Report rectification";
    rectification: "整改说明", "Rectification";
    history: "处理记录", "History";
    work_on: "办理", "Work on it";
    saved: "已保存。", "Saved.";
    record_closed: "项目已完成，跟踪记录已关闭。", "The project is completed; its record is closed.";
    // supervision groups
    groups_title: "我的监督组", "My supervision groups";
    no_groups: "您不在任何监督组中。", "You are not in any supervision group.";
    record_inspection: "记录视察", "Record an inspection";
    kind: "方式", "Kind";
    held_on: "日期", "Date";
    location: "地点", "Place";
    participants: "参加人员", "Participants";
    findings: "发现情况", "Findings";
    raise_problem: "提出问题", "Raise a problem";
    description: "问题描述", "Description";
    verify: "验收通过", "Verify";
    send_back: "退回整改", "Send back";
    awaiting_verification: "待验收", "Awaiting verification";
    inspections: "视察记录", "Inspections";
    no_inspections: "尚无视察记录。", "No inspection yet.";
    ev_raised: "提出", "Raised";
    ev_rectified: "整改", "Rectified";
    ev_verified: "验收通过", "Verified";
    ev_sent_back: "退回", "Sent back";
    supervision_groups: "监督组", "Supervision groups";
    // office
    nav_followup: "监督", "Follow-up";
    group_name: "监督组名称", "Group name";
    leader: "组长", "Leader";
    members: "成员", "Members";
    projects: "项目", "Projects";
    new_group: "新建监督组", "New supervision group";
    no_groups_yet: "尚未设立监督组。", "No supervision group yet.";
    escalate: "记录督办措施", "Record an escalation";
    escalations: "督办措施", "Escalations";
    year_report: "年度报告", "Year report";
    year_report_title: "民生实事项目年度监督报告", "Livelihood projects: year report";
    problems_raised: "提出问题", "Problems raised";
    problems_closed: "已验收", "Closed";
    final_percent: "完成进度", "Final percent";
    print: "打印", "Print";
    rating_rounds: "满意度测评", "Rating rounds";
    new_round: "新建测评", "New rating round";
    round_title: "测评名称", "Title";
    session: "会议", "Session";
    threshold_base: "计算基数", "Base";
    base_all: "全体代表", "All deputies";
    base_present: "出席代表", "Deputies present";
    base_cast: "实投票数", "Ballots cast";
    open_round: "开始测评", "Open";
    close_round: "结束测评", "Close";
    publish_round: "公布结果", "Publish";
    results: "结果", "Results";
    ballots_cast: "已投", "Cast";
    view_project: "查看项目", "View the project";
    // office: groups, escalations, rating rounds, year report
    edit_group: "编辑监督组", "Edit the group";
    year: "年度", "Year";
    year_fixed: "年度设立后不能更改。", "The year is fixed once the group is set up.";
    choose: "请选择", "Choose";
    leader_is_member: "组长也是成员。", "The leader is always a member.";
    only_adopted: "只列出已票决通过的项目（正式项目）。", "Only adopted projects are listed.";
    save_group: "保存监督组", "Save the group";
    followed_projects: "跟踪项目", "Followed projects";
    no_escalations: "尚未记录督办措施。", "No escalation recorded yet.";
    escalation_hint: "项目滞后时，人大常委会可依法采取询问、约见、质询或特定问题调查，并记入项目时间线。", "When a project stalls, the standing committee may hold an inquiry, an appointment, an interpellation or a special investigation; each is recorded on the project's timeline.";
    record: "记录", "Record";
    refresh: "刷新", "Refresh";
    no_rounds: "尚未建立测评。", "No rating round yet.";
    rounds_of_session: "本次会议的测评", "This session's rating rounds";
    base_hint: "满意：满意票超过基数的一半；否则满意与基本满意合计超过一半为基本满意；否则不满意。", "Satisfied when satisfied votes exceed half of the base; else basically satisfied when satisfied and basically satisfied together exceed half; else unsatisfied.";
    base_count: "基数", "Base";
    not_cast: "未投", "Not cast";
    confirm_close_round: "结束后不能再测评。目前已投票 {cast} 人，实到 {present} 人。确认结束测评？", "After closing nobody can rate. {cast} have rated, {present} are present. Close the round?";
    confirm_publish_round: "公布后测评结果向社会公开，并记入各项目的监督记录。确认公布？", "Once published the grades are public and join each project's record. Publish?";
    round_published: "测评结果已公布。", "The grades are published.";
    report_summary: "共 {n} 个项目，已完成 {done} 个；预算合计 {budget} 万元，已支出 {spent} 万元；提出问题 {raised} 个，已验收 {closed} 个。", "{n} projects, {done} completed; budget {budget} 万元 in all, {spent} 万元 spent; {raised} problems raised, {closed} verified.";
    report_date: "报告日期", "Date of the report";
    latest_grade: "最近测评", "Latest grade";
    no_grade: "未测评", "Not rated";
    r_projects: "请至少选择一个项目，每个项目只选一次。", "Choose at least one project, each once.";
    r_not_adopted: "只能选择已票决通过的项目。", "Only adopted projects can be chosen.";
    not_followed: "该项目未在票决中通过，已退回项目储备库；只有票决通过的项目才有跟踪监督记录。", "The vote did not adopt this project: it went back to the reserve, and only adopted projects are followed up.";
    r_base: "请选择计算基数。", "Choose a base.";
    r_members: "组长和成员须从代表名单中选择。", "Choose the leader and the members from the deputies.";
    r_year: "年度应为 2000 到 2100 之间的年份，如 2027。", "The year is between 2000 and 2100, e.g. 2027.";
    r_name: "请填写名称，不超过 200 字。", "Fill in the name, at most 200 characters.";
    r_note: "请填写说明，不超过 5000 字。", "Fill in the note, at most 5000 characters.";
    // refusals
    r_period: "报告期格式不对，应如 2027-05、2027-Q2、2027-H1 或 2027。", "The period is a month (2027-05), a quarter (2027-Q2), a half year (2027-H1) or a year (2027).";
    r_percent: "完成百分比是 0 到 100 的整数。", "Percent complete is a whole number from 0 to 100.";
    r_amount: "金额请以万元填写，如 35 或 12.5，不能为负数。", "Write the amount in 万元, e.g. 35 or 12.5, not negative.";
    r_date: "日期格式不对，应如 2027-05-31。", "Write the date as 2027-05-31.";
    r_not_open: "这个问题不在待整改状态。", "This problem is not waiting for a rectification.";
    r_not_rectified: "这个问题尚未报告整改，不能验收或退回。", "This problem has no rectification to verify or send back yet.";
    r_completed: "项目已完成，跟踪记录已关闭。", "The project is completed; its record is closed.";
    r_choose: "请从列表中选择。", "Choose one from the list.";
    r_text: "请填写，且不要超过长度限制。", "Fill this in, within the length limit.";
    // downloads (exports)
    download: "下载表格", "Download the table";
    reports_table: "进度报告", "progress reports";
    problems_table: "问题清单", "problems";
    // data push (webhooks)
    wh_title: "数据推送", "Data push (webhooks)";
    wh_hint: "每当有公开的变化（票决开始、结束、公布；项目进展、问题整改、状态变化等），都会发送到下面登记的地址，并附签名，供政务数据开放平台、媒体等系统接收。发送失败会自动重试约一天；一直失败的地址会被停用，并在这里说明原因。", "Each public change (a vote opened, closed, published; progress, problems, status colours) is sent, signed, to the addresses below, for an open-data portal or a newspaper's system. Failures are retried for about a day; an address that keeps failing is stopped, and the reason is shown here.";
    wh_created: "已登记接收地址：", "Receiver registered:";
    wh_secret_once: "下面是这个地址的签名密钥，只显示这一次。请复制给对方系统的技术人员，用于核对每次推送的签名（webhook-signature）。", "This is the address's signing secret, shown this once. Give it to the receiving system's technician, to check each delivery's signature (webhook-signature).";
    wh_types: "推送的事件", "Events sent";
    wh_types_hint: "都不选则推送全部公开事件", "none chosen: every public event";
    wh_all_types: "全部公开事件", "every public event";
    wh_enabled: "正常推送中", "Sending";
    wh_disabled: "已停用", "Stopped";
    wh_pause: "暂停推送", "Pause";
    wh_enable: "恢复推送", "Enable again";
    wh_delete: "删除此地址", "Remove";
    wh_none_sent: "还没有推送过。", "Nothing sent yet.";
    wh_cursor: "事件序号", "Event";
    wh_attempts: "每次发送", "Attempts";
    wh_resend: "重新发送", "Send again";
    wh_delivered: "已送达", "Delivered";
    wh_failed: "未送达", "Failed";
    wh_pending: "等待发送", "Waiting";
    wh_new: "登记新的接收地址", "Register a receiver";
    wh_url: "接收地址（https:// 或 http:// 开头）", "Address (starting https:// or http://)";
    wh_description: "用途说明（可不填）", "What it is for (optional)";
    wh_add: "登记", "Register";
    wh_bad_url: "接收地址应以 https:// 或 http:// 开头，写明主机名，不含空格。", "The address starts with https:// or http://, names a host, and has no spaces.";
    wh_stopped_notice: "有 {n} 个数据推送地址因一直无法送达已被停用，请查看。", "{n} data-push receiver(s) stopped after failing for a day: see why.";
    wh_stopped_because: "一条推送连续 {n} 次未能送达，最后一次在 {at}（{last}）。请对方修好接收端后点“恢复推送”，再对未送达的推送点“重新发送”。", "A delivery failed {n} times in a row, the last at {at} ({last}). Once the receiver is mended, press Enable again, then Send again on what was not delivered.";
    wh_unreachable: "无法连接接收端", "Could not reach the receiver";
    wh_timeout: "接收端 10 秒内没有应答", "No answer within 10 s";
    wh_bad_description: "用途说明最多 200 字，不能含有控制字符或不可见字符。", "The description has at most 200 characters, with no control or invisible characters.";
    wh_enable_first: "这个地址已停用，不能重新发送。请先修好接收端，点“恢复推送”，再重新发送。", "This address is stopped, so nothing can be sent again. Mend the receiver, press Enable again, then Send again.";
    wh_bad_types: "请从列表中选择事件。", "Choose events from the list.";
    // deputies' suggestions
    sg_title: "代表建议", "Deputies' suggestions";
    sg_new: "提出新的建议", "Submit a suggestion";
    sg_kind: "类别", "Kind";
    sg_suggestion: "建议", "Suggestion";
    sg_criticism: "批评", "Criticism";
    sg_opinion: "意见", "Opinion";
    sg_subject: "标题（一件建议只写一件事）", "Title (one matter per suggestion)";
    sg_content: "内容", "Text";
    sg_cosigners: "附议代表的代表编号（可不填）", "Co-signers' deputy codes (optional)";
    sg_cosigners_hint: "多个编号用空格或逗号分开。每位附议代表要在自己的账号上确认；全部确认后建议即送交。", "Separate several codes with spaces or commas. Each co-signer confirms on their own account; once all have, it goes to the office.";
    sg_submit: "提交建议", "Submit";
    sg_none: "还没有建议。", "No suggestions yet.";
    sg_number: "第 {n} 号", "No. {n}";
    sg_cosigning: "等待附议代表确认", "Waiting for co-signers";
    sg_submitted: "已收到，待交办", "Received, to be assigned";
    sg_returned: "已退回", "Returned";
    sg_assigned: "已交办，办理中", "Assigned, being handled";
    sg_answered: "已答复，请反馈意见", "Answered; feedback due";
    sg_reopened: "不满意，重新办理中", "Unsatisfied; being handled again";
    sg_closed: "办结", "Closed";
    sg_assign_clock: "应在 {date} 前交办，还有 {n} 个工作日", "To be assigned by {date}: {n} working days left";
    sg_answer_clock: "应在 {date} 前答复，还有 {n} 天", "Answer due {date}: {n} days left";
    sg_not_confirmed: "未确认", "not confirmed";
    sg_co_units: "会办", "co-units";
    sg_signers: "领衔和附议代表", "Lead and co-signers";
    sg_units: "承办单位", "Handling units";
    sg_return_reason: "退回理由", "Reason for return";
    sg_read: "查看全文和答复", "Read the text and answers";
    sg_answer: "答复", "Answer";
    sg_confirm: "确认附议", "Confirm as co-signer";
    sg_send: "不再等待，现在送交", "Send it on now";
    sg_attitude: "对办理态度", "Attitude of the unit";
    sg_result: "对办理结果", "Result";
    sg_satisfied: "满意", "Satisfied";
    sg_basically: "基本满意", "Basically satisfied";
    sg_unsatisfied: "不满意", "Unsatisfied";
    sg_note: "意见说明（可不填）", "Remarks (optional)";
    sg_give_feedback: "提交反馈", "Send feedback";
    sg_class: "办理结果类别", "Result class";
    sg_class_a: "A 已解决或基本解决", "A solved or mostly solved";
    sg_class_b: "B 正在解决或列入计划", "B being solved or planned";
    sg_class_c: "C 因条件限制以后解决", "C later, as conditions allow";
    sg_class_d: "D 留作参考", "D kept for reference";
    sg_answer_text: "答复内容", "Answer";
    sg_official: "签发负责人", "Responsible official";
    sg_send_answer: "提交答复", "Send the answer";
    sg_lead_unit: "主办单位", "Lead unit";
    sg_co_units_input: "会办单位（可不填，多个用逗号分开）", "Co-units (optional, separated by commas)";
    sg_broad: "涉及面广、办理难度大（答复期限 6 个月）", "Broad or hard matter (6 months to answer)";
    sg_assign: "交办", "Assign";
    sg_return: "退回", "Return";
    sg_r_powers: "不属于本级人大及其常委会职权范围", "Outside the congress's powers";
    sg_r_personal: "属于个人私事", "A personal matter";
    sg_r_court: "涉及诉讼案件", "A court case";
    sg_r_content: "没有实际内容", "No real content";
    sg_r_several: "一件建议涉及多件事", "Several matters in one";
    sg_r_other: "其他", "Other";
    sg_publish: "公开", "Publish";
    sg_public_title: "代表建议及办理答复", "Deputies' suggestions and their answers";
    sg_public_hint: "已公开的代表建议、承办单位和答复。", "The suggestions the office has published, with their handling units and answers.";
    sg_search: "搜索", "Search";
    sg_search_hint: "如：公交、电梯、水利局", "e.g. bus, lift, water bureau";
    sg_none_found: "没有找到已公开的建议。", "No published suggestion found.";
    sg_origin: "来源：代表建议", "From deputies' suggestion ";
    sg_stats: "{year} 年各承办单位办理情况", "{year}: handling by unit";
    sg_st_assigned: "交办", "Assigned";
    sg_st_answered: "已答复", "Answered";
    sg_st_on_time: "按期答复", "On time";
    sg_st_overdue: "逾期未复", "Overdue";
    sg_bad_cosigners: "附议代表的编号有误，请核对后再提交。填写的内容已保留。", "A co-signer's code is wrong; check it and submit again. What you typed is kept.";
    sg_not_now: "这一步现在不能做（建议的状态已经变了），请刷新页面。", "This step cannot be taken now (the suggestion has moved on); reload the page.";
    sg_withdrawn: "已撤回", "Withdrawn";
    sg_withdraw: "撤回这件建议", "Withdraw this suggestion";
    sg_withdraw_warn: "撤回后这件建议不再办理。", "Once withdrawn, the suggestion is no longer handled. ";
    sg_withdraw_confirm: "确认撤回", "Withdraw it";
    sg_withdraw_hint: "联名建议要所有署名代表都同意才撤回。", "A joint suggestion is withdrawn when every signer agrees.";
    sg_withdraw_line: "撤回：{n} 位署名代表中已有 {k} 位同意", "Withdrawal: {k} of {n} signers agree";
    sg_ask_return: "申请退回（不属于本单位职责）", "Ask to send it back (not this unit's matter)";
    sg_ask_extension: "申请延期答复", "Ask for more time to answer";
    sg_until: "延至", "Until";
    sg_reason: "理由", "Reason";
    sg_ask: "提交申请", "Send the request";
    sg_requests: "申请", "Requests";
    sg_req_return: "申请退回", "Send-back request";
    sg_req_extension: "申请延期至 {date}", "Extension to {date}";
    sg_req_pending: "待审批", "waiting";
    sg_req_approved: "已同意", "approved";
    sg_req_refused: "未同意", "refused";
    sg_req_lapsed: "已失效（建议已进入下一步）", "lapsed (the suggestion moved on)";
    sg_approve: "同意", "Approve";
    sg_refuse: "不同意", "Refuse";
    sg_refuse_note: "不同意的理由（不同意时必填）", "Reason for refusing (needed to refuse)";
    sg_opinions: "会办单位意见", "Co-units' opinions";
    sg_opinion_clock: "会办意见应在 {date} 前送主办单位", "Co-units' opinions due to the lead unit by {date}";
    sg_give_opinion: "送交会办意见", "Send the opinion";
    sg_opinion_text: "会办意见", "Opinion";
    sg_promises_input: "承诺事项（可不填，每行一条：日期 内容，如 2027-06-30 完成路灯安装）", "Promises (optional, one per line: date then what, e.g. 2027-06-30 lights installed)";
    sg_promises: "承诺事项", "Promises";
    sg_promise_by: "{date} 前", "by {date}";
    sg_promise_kept: "已兑现（{date}）：{note}", "Kept ({date}): {note}";
    sg_keep: "标记已兑现", "Mark kept";
    sg_kept_on: "兑现日期", "Kept on";
    sg_kept_note: "落实情况", "What was done";
    sg_key: "重点督办", "Key supervision";
    sg_supervisor: "督办领导", "Supervising official";
    sg_save: "保存", "Save";
    sg_board: "督办清单", "Supervision list";
    sg_board_key: "重点督办建议", "Key supervision";
    sg_board_overdue: "已逾期", "Overdue";
    sg_board_soon: "即将到期", "Due soon";
    sg_board_promises: "未兑现的承诺", "Promises not yet kept";
    sg_board_none: "没有。", "None.";
    sg_days_left: "还有 {n} 天", "{n} days left";
    sg_days_late: "已逾期 {n} 天", "{n} days late";
    sg_report: "年度办理情况报告", "Yearly report";
    sg_report_title: "{year} 年代表建议办理情况报告", "Deputies' suggestions in {year}: the handling report";
    sg_report_summary: "本年度共收到代表建议 {received} 件，退回 {returned} 件，撤回 {withdrawn} 件，交办 {assigned} 件；已答复 {answered} 件，其中按期答复 {on_time} 件；逾期未复 {overdue} 件。列为重点督办 {key} 件。", "Received {received}; returned {returned}; withdrawn {withdrawn}; assigned {assigned}; answered {answered}, {on_time} on time; overdue {overdue}. Key supervision: {key}.";
    sg_report_classes: "首次答复中，A 类 {a} 件，B 类 {b} 件，C 类 {c} 件，D 类 {d} 件。代表对办理结果满意 {s} 人次，基本满意 {bs} 人次，不满意 {u} 人次。", "First answers: A {a}, B {b}, C {c}, D {d}. Signers' results: satisfied {s}, basically satisfied {bs}, unsatisfied {u}.";
    sg_report_list: "建议目录", "The suggestions";
    sg_total: "合计", "Total";
    sg_print: "打印", "Print";
    sg_lead_deputy: "领衔代表", "Lead deputy";
    sg_status: "状态", "Status";
    sg_title_col: "标题", "Title";
    sg_bad_promise: "承诺事项的格式不对：每行先写日期（如 2027-06-30），再写内容。填写的内容已保留。", "A promise line is not right: each line starts with a date (e.g. 2027-06-30), then what. Your input is kept.";
    sg_too_late: "交办已超过 7 个工作日，不能再申请退回；请与人大常委会办公室联系。", "More than 7 working days since assignment: a send-back can no longer be asked; contact the office.";
    sg_pending: "本单位的申请还在等待审批。", "Your unit's request is waiting for the office.";
    // the audit log
    audit_log: "审计日志", "Audit log";
    audit_hint: "每一项操作都按时间顺序记录，并以哈希链相连：任何删除、修改或调换都会被发现。不记录选票内容和回执。", "Every change is recorded in order and hash-chained: any deletion, edit or reordering is detected. No ballot content or receipt is recorded.";
    audit_holds: "审计链完整：共 {n} 条记录，逐条核验无误。", "The chain holds: {n} events, each checked.";
    audit_broken: "审计链在第 {seq} 条处断裂：{why}。请立即报告。", "The chain is broken at event {seq}: {why}. Report this at once.";
    audit_seq: "序号", "No.";
    audit_at: "时间", "Time";
    audit_who: "操作人", "Who";
    audit_action: "操作", "Action";
    audit_object: "对象", "Object";
    audit_detail: "内容", "Detail";
    audit_filter: "按对象编号筛选", "Filter by object id";
    audit_none: "没有记录。", "No events.";
    audit_older: "更早的记录", "Older events";
    // attachments
    files_label: "照片或 PDF 文件（可不选）", "Photos or PDF files (optional)";
    files_hint: "可一次选多张，最多 9 个，每个不超过 {mb} MB。照片中的拍摄地点等信息会被去除。", "Choose several at once: at most 9, each up to {mb} MB. Location and other details in photos are removed.";
    gallery: "现场照片和文件", "Photos and files";
    pdf_file: "PDF 文件", "PDF file";
    r_file_large: "有一个文件超过 {mb} MB。请选小一些的照片，或分几次上传。填写的内容已保留，照片需要重新选择。", "A file is over {mb} MB. Choose a smaller photo, or upload in several goes. What you typed is kept; choose the photos again.";
    r_file_type: "只能上传照片（JPEG、PNG）或 PDF 文件。填写的内容已保留，照片需要重新选择。", "Only photos (JPEG, PNG) and PDF files can be uploaded. What you typed is kept; choose the files again.";
    r_file_broken: "有一张照片无法打开，可能已损坏。请换一张。填写的内容已保留，照片需要重新选择。", "A photo cannot be opened; it may be damaged. Choose another. What you typed is kept; choose the photos again.";
    r_file_many: "一次最多 9 个文件（每条记录最多 9 个）。填写的内容已保留，请重新选择。", "At most 9 files per record. What you typed is kept; choose the files again.";
}

impl Lang {
    /// The follow-up pages' words in this language.
    pub fn follow(self) -> &'static FollowMsg {
        match self {
            Lang::Zh => &ZH,
            Lang::En => &EN,
        }
    }
}

impl super::Msg {
    /// The follow-up words in this table's language (for templates that hold only [`super::Msg`]).
    pub fn follow(&self) -> &'static FollowMsg {
        if self.html_lang == "en" { &EN } else { &ZH }
    }
}
