//! 業務メニュー and its screens (F12 from the queue), one file each:
//! [`receipts`] 受領書返送, [`mail`] 本人限定受取郵便, [`appointments`] 予約一覧,
//! [`uncollected`] 未交付カード, [`arrival`] 入荷確認, [`reports`] 日報・月報; [`batches`] holds
//! what the two batch screens share, [`requests`] the store work they ask for.
//!
//! Each screen owns its state and `update` / `on_loaded` / `on_card` / `on_prompt` /
//! `on_confirm`; this file only routes to the screen on display. Pure, like the rest of `app`:
//! every store call is an [`Effect::Office`] answered by a `Loaded::Office`.

pub mod appointments;
pub mod arrival;
pub mod batches;
pub mod mail;
pub mod receipts;
pub mod reports;
pub mod requests;
pub mod uncollected;

pub use appointments::AppointmentsView;
pub use arrival::{ArrivalRow, ArrivalView};
pub use mail::MailView;
pub use receipts::ReceiptsView;
pub use reports::{ReportKind, ReportView};
pub use requests::{BatchChange, OfficeLoaded, OfficeRequest, UncollectedChange};
pub use uncollected::UncollectedView;

use crate::app::cx::{Cx, Nav};
use crate::app::dialogs::{ConfirmText, PromptText};
use crate::app::{Action, CardEvent, Context, Effect};
use crate::domain::failure::Reply;

/// The screens of the 業務メニュー, in menu order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeItem {
    Receipts,
    Mail,
    Appointments,
    Uncollected,
    Arrival,
    Reports,
}

impl OfficeItem {
    pub const ALL: [OfficeItem; 6] = [
        OfficeItem::Receipts,
        OfficeItem::Mail,
        OfficeItem::Appointments,
        OfficeItem::Uncollected,
        OfficeItem::Arrival,
        OfficeItem::Reports,
    ];

    pub fn label(self) -> &'static str {
        match self {
            OfficeItem::Receipts => "受領書返送",
            OfficeItem::Mail => "本人限定受取郵便",
            OfficeItem::Appointments => "予約一覧",
            OfficeItem::Uncollected => "未交付カード",
            OfficeItem::Arrival => "入荷確認",
            OfficeItem::Reports => "日報・月報",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            OfficeItem::Receipts => {
                "回収した対面交付用受領書を返送バッチにまとめ、送付状を書き出します"
            }
            OfficeItem::Mail => "郵送中のカードの配達済・返送（不達）を記録します",
            OfficeItem::Reports => "日報・月報の確認と HTML 出力（監査ログの先頭ハッシュつき）",
            OfficeItem::Arrival => "届いたカードを1枚ずつ読み取り、発送リストと照合します",
            OfficeItem::Uncollected => {
                "到着から日数の経ったカードの連絡・保留と、返却バッチ（読取確認つき）"
            }
            OfficeItem::Appointments => {
                "日ごとの来庁予約の確認と印刷用一覧の出力（予約の登録は一覧で F9）"
            }
        }
    }
}

/// The back-office screen on display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Office {
    Menu { selected: usize },
    Receipts(ReceiptsView),
    Mail(MailView),
    Appointments(AppointmentsView),
    Uncollected(UncollectedView),
    Arrival(ArrivalView),
    Report(ReportView),
}

/// What a prompt opened by a back-office screen is for; answered by that screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    Receipts(receipts::PromptFor),
    /// Asked by either batch screen (受領書返送, 未交付カード).
    Batch(batches::PromptFor),
    Mail(mail::PromptFor),
    Uncollected(uncollected::PromptFor),
    Arrival(arrival::PromptFor),
    Report(reports::PromptFor),
}

impl Purpose {
    pub fn text(&self) -> PromptText {
        match self {
            Purpose::Receipts(p) => p.text(),
            Purpose::Batch(p) => p.text(),
            Purpose::Mail(p) => p.text(),
            Purpose::Uncollected(p) => p.text(),
            Purpose::Arrival(p) => p.text(),
            Purpose::Report(p) => p.text(),
        }
    }
}

/// What a yes/no dialog opened by a back-office screen is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmPurpose {
    Batch(batches::ConfirmFor),
    Uncollected(uncollected::ConfirmFor),
}

impl ConfirmPurpose {
    pub fn text(&self) -> ConfirmText {
        match self {
            ConfirmPurpose::Batch(c) => c.text(),
            ConfirmPurpose::Uncollected(c) => c.text(),
        }
    }
}

/// What a screen makes of the text typed in its prompt: the effects to run (the prompt closes),
/// or the message the prompt shows while it stays open.
pub type PromptAnswer = Result<Vec<Effect>, String>;

/// The officer on duty for work asked in a prompt (the prompt shows the refusal).
pub(crate) fn prompt_officer(cx: &Cx) -> Result<i64, String> {
    cx.officer
        .map(|o| o.id)
        .ok_or_else(|| crate::app::cx::NO_OFFICER.to_string())
}

/// A card read on a screen that checks cards (入荷確認, 未交付カード): with an officer on duty,
/// the request `make` builds from the certificate goes to the store; a failed read is said.
pub(crate) fn on_read(
    sig: &CardEvent,
    cx: &mut Cx,
    working: &str,
    make: impl FnOnce(Box<crate::domain::card_facts::CertificateFacts>, i64) -> OfficeRequest,
) -> Vec<Effect> {
    let CardEvent::ReadFinished { result, .. } = sig else {
        return Vec::new();
    };
    match result {
        Ok(reading) => {
            let Some(officer_id) = cx.officer_id() else {
                return Vec::new();
            };
            cx.flash(working, false);
            vec![make(Box::new(reading.certificate.clone()), officer_id).into()]
        }
        Err(e) => {
            cx.flash(
                format!("カードを読み取れませんでした: {}", e.user_message()),
                true,
            );
            Vec::new()
        }
    }
}

/// Recorded work asked in a prompt: the footer says it is on its way, the request goes out.
pub(crate) fn send(cx: &mut Cx, working: &str, req: OfficeRequest) -> PromptAnswer {
    cx.flash(working, false);
    Ok(vec![req.into()])
}

/// A prompt's required text: `Err(why)` while it is empty.
pub(crate) fn required(text: &str, why: &str) -> Result<(), String> {
    if text.is_empty() {
        Err(why.to_string())
    } else {
        Ok(())
    }
}

/// Take the answer to a load: loading stops, and the screen keeps the error or gets the value.
pub(crate) fn take<T>(
    loading: &mut bool,
    error: &mut Option<String>,
    result: Reply<T>,
) -> Option<T> {
    *loading = false;
    match result {
        Ok(v) => {
            *error = None;
            Some(v)
        }
        Err(e) => {
            *error = Some(e.message);
            None
        }
    }
}

/// Move a list cursor by `delta`, kept inside `0..len`.
pub fn move_sel(sel: &mut usize, len: usize, delta: isize) {
    if len == 0 {
        *sel = 0;
        return;
    }
    *sel = sel.saturating_add_signed(delta).min(len - 1);
}

impl Office {
    pub fn context(&self) -> Context {
        match self {
            Office::Menu { .. } => Context::OfficeMenu,
            Office::Receipts(_) => Context::OfficeReceipts,
            Office::Mail(_) => Context::OfficeMail,
            Office::Appointments(_) => Context::OfficeAppointments,
            Office::Uncollected(_) => Context::OfficeUncollected,
            Office::Arrival(v) if v.chosen.is_none() => Context::OfficeShipments,
            Office::Arrival(_) => Context::OfficeArrival,
            Office::Report(_) => Context::OfficeReport,
        }
    }

    /// The menu with `item` selected.
    pub fn menu_at(item: OfficeItem) -> Self {
        let selected = OfficeItem::ALL.iter().position(|i| *i == item).unwrap_or(0);
        Office::Menu { selected }
    }

    /// Open a screen of the menu; returns it with the effects that load it.
    pub fn open(item: OfficeItem, cx: &mut Cx) -> (Self, Vec<Effect>) {
        cx.clear_flash();
        match item {
            OfficeItem::Receipts => (
                Office::Receipts(ReceiptsView::new()),
                vec![OfficeRequest::LoadReceipts.into()],
            ),
            OfficeItem::Mail => (
                Office::Mail(MailView::new()),
                vec![OfficeRequest::LoadMail.into()],
            ),
            OfficeItem::Appointments => {
                let day = cx.today;
                (
                    Office::Appointments(AppointmentsView::new(day)),
                    vec![OfficeRequest::LoadDay { day }.into()],
                )
            }
            OfficeItem::Uncollected => (
                Office::Uncollected(UncollectedView::new()),
                vec![OfficeRequest::LoadUncollected { today: cx.today }.into()],
            ),
            OfficeItem::Arrival => (
                Office::Arrival(ArrivalView::new()),
                vec![OfficeRequest::LoadShipments.into()],
            ),
            OfficeItem::Reports => {
                let mut v = ReportView::new(cx.today);
                let fx = v.load();
                (Office::Report(v), vec![fx])
            }
        }
    }

    /// A key action on the screen on display.
    pub fn update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let fx = match self {
            Office::Menu { .. } => return self.menu_update(action, cx),
            Office::Receipts(v) => v.update(action, cx),
            Office::Mail(v) => v.update(action, cx),
            Office::Appointments(v) => v.update(action, cx),
            Office::Uncollected(v) => v.update(action, cx),
            Office::Arrival(v) => v.update(action, cx),
            Office::Report(v) => v.update(action, cx),
        };
        if let Some(Nav::Menu(item)) = cx.nav {
            cx.nav = None;
            *self = Office::menu_at(item);
            cx.clear_flash();
        }
        fx
    }

    fn menu_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let Office::Menu { selected } = self else {
            return Vec::new();
        };
        let item = match action {
            Action::Up => {
                move_sel(selected, OfficeItem::ALL.len(), -1);
                return Vec::new();
            }
            Action::Down => {
                move_sel(selected, OfficeItem::ALL.len(), 1);
                return Vec::new();
            }
            Action::Open => OfficeItem::ALL[(*selected).min(OfficeItem::ALL.len() - 1)],
            Action::OfficePick(n) => match OfficeItem::ALL.get(usize::from(n).wrapping_sub(1)) {
                Some(item) => *item,
                None => return Vec::new(),
            },
            Action::Back => {
                cx.nav = Some(Nav::Queue);
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        let (screen, fx) = Office::open(item, cx);
        *self = screen;
        fx
    }

    /// A store answer. Answers for a screen that is gone are dropped, except the outcome of
    /// recorded work, which is always said.
    pub fn on_loaded(&mut self, loaded: OfficeLoaded, cx: &mut Cx) -> Vec<Effect> {
        match self {
            Office::Receipts(v) => v.on_loaded(loaded, cx),
            Office::Mail(v) => v.on_loaded(loaded, cx),
            Office::Appointments(v) => v.on_loaded(loaded, cx),
            Office::Uncollected(v) => v.on_loaded(loaded, cx),
            Office::Arrival(v) => v.on_loaded(loaded, cx),
            Office::Report(v) => v.on_loaded(loaded, cx),
            Office::Menu { .. } => {
                orphan_loaded(loaded, cx);
                Vec::new()
            }
        }
    }

    /// A card event (only the screens that read cards listen).
    pub fn on_card(&mut self, sig: &CardEvent, cx: &mut Cx) -> Vec<Effect> {
        match self {
            Office::Uncollected(v) => v.on_card(sig, cx),
            Office::Arrival(v) => v.on_card(sig, cx),
            _ => Vec::new(),
        }
    }

    /// The text of a prompt this screen opened. `Err` keeps the prompt open with the message.
    pub fn on_prompt(&mut self, purpose: Purpose, text: String, cx: &mut Cx) -> PromptAnswer {
        match (self, purpose) {
            (_, Purpose::Batch(p)) => batches::on_prompt(p, text, cx),
            (Office::Receipts(v), Purpose::Receipts(p)) => v.on_prompt(p, text, cx),
            (Office::Mail(v), Purpose::Mail(p)) => v.on_prompt(p, text, cx),
            (Office::Uncollected(v), Purpose::Uncollected(p)) => v.on_prompt(p, text, cx),
            (Office::Arrival(v), Purpose::Arrival(p)) => v.on_prompt(p, text, cx),
            (Office::Report(v), Purpose::Report(p)) => v.on_prompt(p, text, cx),
            // The screen that asked is gone (the desk was locked): nothing to do.
            _ => Ok(Vec::new()),
        }
    }

    /// A "yes" to a question this screen asked.
    pub fn on_confirm(&mut self, purpose: ConfirmPurpose, cx: &mut Cx) -> Vec<Effect> {
        let Some(officer_id) = cx.officer_id() else {
            return Vec::new();
        };
        match purpose {
            ConfirmPurpose::Batch(c) => batches::on_confirm(c, officer_id, cx),
            ConfirmPurpose::Uncollected(c) => uncollected::on_confirm(c, officer_id, cx),
        }
    }
}

/// The answer to an export: the footer names the first file written.
pub(crate) fn exported(result: Reply<Vec<String>>, cx: &mut Cx) -> Option<Vec<String>> {
    match result {
        Ok(files) => {
            let msg = match files.first() {
                Some(f) => format!("書き出しました: {f}"),
                None => "書き出しました。".to_string(),
            };
            cx.flash(msg, false);
            Some(files)
        }
        Err(e) => {
            cx.error("書き出せませんでした", e);
            None
        }
    }
}

/// The outcome of recorded work whose screen is gone: said in the footer.
pub(crate) fn orphan_loaded(loaded: OfficeLoaded, cx: &mut Cx) {
    use OfficeLoaded as L;
    match loaded {
        L::Batch { result: Err(e), .. }
        | L::Exported(Err(e))
        | L::MailRecorded { result: Err(e), .. }
        | L::UncollectedChanged { result: Err(e), .. }
        | L::ReturnCardVerified(Err(e))
        | L::ArrivalRead(Err(e))
        | L::ArrivalResolved(Err(e)) => cx.flash(e.message, true),
        L::Batch {
            change,
            result: Ok(b),
        } => cx.flash(batches::changed_message(change, &b), false),
        _ => {}
    }
}
