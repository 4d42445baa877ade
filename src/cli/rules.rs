//! `kofu rules`: the expiry and fee rules of `data/`, asked directly.

use clap::Subcommand;
use serde_json::json;

use super::{CliError, Ctx, parse_date_arg, print_json};
use crate::domain::Membership;
use crate::domain::date::{format_both, parse_year};
use crate::domain::fees::{FeeCase, IssueKind};

#[derive(Subcommand, Debug)]
pub enum RulesCommand {
    /// 発行日と生年月日から有効期限を計算する（data/rules.toml）
    Expiry {
        /// 発行日（2024-04-01, 令和6年4月1日, R6.4.1 など）
        #[arg(long)]
        issued: String,
        /// 生年月日
        #[arg(long)]
        born: String,
        /// 更新で発行されたカード（旧有効期限まで3か月未満なら6回目の誕生日: data/rules.toml の renewal 表、未確認）
        #[arg(long)]
        renewal: bool,
        /// 旧カードの有効期限（--renewal と併用）
        #[arg(long, requires = "renewal")]
        previous_expiry: Option<String>,
    },
    /// 発行手数料の区分を調べる（data/fees.toml）
    Fee {
        /// initial, renewal, reissue-loss, reissue-name, reissue-member
        #[arg(long)]
        kind: String,
        /// 日医非会員
        #[arg(long)]
        non_member: bool,
        /// 医師国家試験の合格年（2022, 令和4年, R4）
        #[arg(long)]
        exam_year: Option<String>,
        /// 申請書の消印日
        #[arg(long)]
        postmark: Option<String>,
        /// マイナポータルからの申請
        #[arg(long)]
        mynaportal: bool,
        /// 判定の基準日（既定: 消印日、なければ今日）
        #[arg(long)]
        on: Option<String>,
    },
}

pub fn run(c: RulesCommand, ctx: &Ctx) -> Result<(), CliError> {
    match c {
        RulesCommand::Expiry {
            issued,
            born,
            renewal,
            previous_expiry,
        } => {
            let (issued, born) = match (
                parse_date_arg("--issued", &issued),
                parse_date_arg("--born", &born),
            ) {
                (Ok(i), Ok(b)) => (i, b),
                (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
                (Err(e), Err(f)) => return Err(e.and(f)),
            };
            let previous_expiry = previous_expiry
                .as_deref()
                .map(|p| parse_date_arg("--previous-expiry", p))
                .transpose()?;
            let issue = crate::domain::expiry::IssueContext {
                issue_type: renewal.then_some(crate::domain::expiry::IssueType::Renewal),
                previous_expiry,
            };
            let c = ctx
                .data
                .expiry
                .compute_with(issued, born, &issue)
                .map_err(CliError::bad_input)?;
            if ctx.json {
                print_json(&json!({
                    "issued": issued.to_string(),
                    "born": born.to_string(),
                    "issue_type": issue.issue_type.map(|t| t.as_str()),
                    "previous_expiry": previous_expiry.map(|d| d.to_string()),
                    "expiry": c.date.to_string(),
                    "rule_id": c.rule_id,
                    "rule_label": c.rule_label,
                    "detail": c.detail,
                }));
            } else {
                println!("有効期限: {}", format_both(c.date));
                println!("適用した規則: {}（{}）", c.rule_label, c.rule_id);
                if let Some(d) = &c.detail {
                    println!("  {d}");
                }
                println!(
                    "発行日: {} ／ 生年月日: {}",
                    format_both(issued),
                    format_both(born)
                );
            }
            Ok(())
        }
        RulesCommand::Fee {
            kind,
            non_member,
            exam_year,
            postmark,
            mynaportal,
            on,
        } => {
            let kind = IssueKind::parse(&kind).ok_or_else(|| {
                CliError::bad_input(format!(
                    "--kind「{kind}」はありません（initial, renewal, reissue-loss, reissue-name, reissue-member）"
                ))
            })?;
            let exam_year = exam_year
                .as_deref()
                .map(parse_year)
                .transpose()
                .map_err(|e| CliError::bad_input(format!("--exam-year: {e}")))?;
            let postmark = postmark
                .as_deref()
                .map(|p| parse_date_arg("--postmark", p))
                .transpose()?;
            let on = on
                .as_deref()
                .map(|p| parse_date_arg("--on", p))
                .transpose()?
                .or(postmark)
                .unwrap_or_else(|| ctx.clock.today());
            let case = FeeCase {
                kind,
                membership: if non_member {
                    Membership::NonMember
                } else {
                    Membership::Member
                },
                exam_year,
                postmark,
                via_mynaportal: mynaportal,
            };
            let d = ctx
                .data
                .fees
                .decide(&case, on)
                .map_err(CliError::bad_input)?;
            if ctx.json {
                print_json(&json!({
                    "kind": kind.as_str(),
                    "member": !non_member,
                    "amount_yen": d.amount_yen,
                    "category": d.category,
                    "reasons": d.reasons,
                    "rule_id": d.rule_id,
                }));
            } else {
                println!("{}", d.summary());
                for r in &d.reasons {
                    println!("  {r}");
                }
                println!("（窓口では区分を案内するだけで、手数料は受け取りません）");
            }
            Ok(())
        }
    }
}
