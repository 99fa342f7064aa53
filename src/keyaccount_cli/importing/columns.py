"""The header of every import kind: each field's column name and the other names it is known by
(English and Chinese), matched as `csvfile.map_header` does. The account column has the same
names in every kind."""

from __future__ import annotations

ACCOUNT_ALIASES = ("客户", "公司", "客户公司", "客户名称", "company")

# `kam import --kind contacts` (the default); its columns in this order are what `kam export contacts` writes
CONTACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ACCOUNT_ALIASES,
    "name": ("姓名", "联系人"),
    "email": ("邮箱",),
    "phone": ("电话", "手机"),
    "title": ("职位", "岗位"),
    "department": ("部门",),
    "roles": ("role", "角色"),
    "decision_power": ("决策权", "决策权级别"),
    "attitude": ("态度", "对本项目态度"),
    "concerns": ("关注点", "关注维度"),
    "can_sign": ("签约权", "是否有签约权"),
    "project_owner": ("项目Owner", "是否是项目Owner"),
    "reports_to": ("上级", "直属上级"),
    "status": ("状态",),
    "change_risk": ("岗位变动风险",),
    "change_date": ("预期变动时间",),
    "change_kind": ("变动类型",),
    "successor": ("继任人", "接任人"),
    "notes": ("备注",),
    # docs/spec.md §9: our people who hold the relationship (last: the column came after the others)
    "our_contacts": ("our_contact", "我方对接人", "对接人"),
}

# `kam import --kind accounts|opportunities|interactions` (docs/spec.md §7)
TABLE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "accounts": {
        "account": ACCOUNT_ALIASES,
        "industry": ("行业",),
        "tier": ("客户分层", "分层"),
        "owner": ("客户经理", "负责人"),
        "annual_revenue": ("年采购额", "年收入", "revenue"),
        "usage": ("核心功能活跃度", "活跃度"),
        "renewal_intent": ("续约意向",),
        "p1_tickets": ("高优先级服务请求", "P1"),
        "nps": ("NPS",),
        "notes": ("备注",),
        "status": ("状态",),
        "renewal_date": ("续约日期", "合同到期时间", "到期时间", "合同到期日"),
    },
    "opportunities": {
        "account": ACCOUNT_ALIASES,
        "name": ("商机", "商机名称", "opportunity"),
        "amount": ("金额", "商机金额"),
        "stage": ("阶段", "商机阶段"),
        "close_date": ("预计成交", "预计成交日期"),
        "contacts": ("联系人", "关键联系人"),
    },
    "interactions": {
        "account": ACCOUNT_ALIASES,
        "date": ("日期", "时间"),
        "kind": ("类型", "方式"),
        "contacts": ("联系人", "参与人"),
        "summary": ("摘要", "内容", "纪要"),
        "by": ("我方人员", "拜访人"),  # our person who had it (docs/spec.md §9); empty: the account's owner
    },
    # `kam export all` writes these two; `kam import --kind relations|handovers` reads them (docs/spec.md §8)
    "relations": {
        "contact": ("联系人",),
        "other": ("对方", "关系人"),
        "kind": ("关系", "关系类型"),
    },
    "handovers": {
        "contact": ("联系人", "离任人"),
        "step": ("步骤",),
        "owner": ("负责人",),
        "deadline": ("截止日期", "期限"),
        "status": ("状态",),
        "done_on": ("完成日期",),
        "notes": ("备注",),
        # the day the plan's change counts from: the change date, else the day the change was recorded
        "change_on": ("变动日期",),
    },
    # the owner handover plans `kam reassign` opens (docs/spec.md §9), one row per step; `kam export all`
    # writes them, `kam import --kind owner_handovers` reads them
    # docs/spec.md §9: an account's team beside its owner; `kam export all` writes it, `--kind team` reads it
    "team": {
        "account": ACCOUNT_ALIASES,
        "name": ("姓名", "成员", "团队成员"),
        "role": ("角色", "团队角色"),
    },
    "owner_handovers": {
        "account": ACCOUNT_ALIASES,
        "from_owner": ("原负责人",),
        "to_owner": ("新负责人",),
        "reassigned_on": ("转交日期",),
        "step": ("步骤",),
        "owner": ("负责人",),
        "deadline": ("截止日期", "期限"),
        "status": ("状态",),
        "done_on": ("完成日期",),
        "notes": ("备注",),
    },
}

# the column of contacts.csv in `kam export all` beyond the import's (the account the contact moved to)
MOVED_TO: dict[str, tuple[str, ...]] = {"moved_to": ("去向", "新公司")}

# `kam export all -o DIR` / `kam import DIR`: the files, in the order the import reads them (accounts
# first, so they keep their order; handovers last, as they were when the plans are settled)
FOLDER_FILES = ("accounts", "contacts", "relations", "opportunities", "interactions", "handovers", "owner_handovers",
                "team")  # fmt: skip

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {"contacts": CONTACT_COLUMNS, **TABLE_COLUMNS}

# the vocabulary (`domain.labels`) of each column that holds one, by import kind: what `kam export`
# in Chinese writes as the label (an alias the import reads back); `flag` is yes/no (是/否)
VALUE_VOCABULARY: dict[str, dict[str, str]] = {
    "contacts": {
        "roles": "roles", "decision_power": "decision_power", "attitude": "attitude", "concerns": "concerns",
        "can_sign": "flag", "project_owner": "flag", "status": "status", "change_risk": "change_risk",
        "change_kind": "change_kind",
    },
    "accounts": {"tier": "tier", "renewal_intent": "renewal_intent", "status": "account_status"},
    "interactions": {"kind": "interaction_kind"},
    "relations": {"kind": "relation_kind"},
    "handovers": {"status": "step_status"},
    "owner_handovers": {"status": "step_status"},
    "team": {"role": "team_role"},
}  # fmt: skip


def chinese_header(kind: str, field: str) -> str | None:
    """The Chinese name of a `kind` file's column (its first alias in Chinese), which the import
    reads as the field; None when it has none."""
    if field == "account":  # the same in every kind, and in the exports no import reads
        return ACCOUNT_ALIASES[0]
    aliases = {**COLUMNS.get(kind, {}), **(MOVED_TO if kind == "contacts" else {})}.get(field, ())
    return next((a for a in aliases if not a.isascii()), None)
