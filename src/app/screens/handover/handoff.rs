//! Step 3 of the counter handover, 受け渡し: the card and the registration QR (on screen or the
//! printed sheet) are handed over and the receipt is collected. The size rule of the QR on
//! screen ([`qr_fit`]) lives here, so that the app and the view agree on where it is drawn.

use super::{
    CardConfirmed, Handover, IdentityChecked, SCREEN_CHROME_ROWS, SCREEN_MAX, SCREEN_MIN, Step,
    confirm,
};
use crate::app::cx::Cx;
use crate::app::{Action, Effect};
use crate::domain::failure::Reply;
use crate::domain::handover::{HandoverRoute, QrHandover};

/// The registration QR at step 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QrView {
    /// No payload on file: the printed sheet is handed over.
    PrintedSheet,
    Loading,
    /// The payload to draw (kept only while this step shows).
    Payload(String),
    Error(String),
}

/// Modules of light margin drawn around the registration QR.
pub const QR_QUIET: usize = 2;
/// Columns the step-3 checklist keeps beside the QR.
pub const QR_TEXT_MIN_WIDTH: u16 = 44;

/// Where the registration QR is drawn. Decided by [`qr_fit`] from the terminal size alone, so
/// that the app (may `q` be ticked, what is recorded) and the view (what is drawn) agree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFit {
    /// To the right of the step-3 checklist.
    Beside,
    /// Alone on the whole screen with one line of instructions (`v`).
    FullScreen,
    /// Not drawn: the terminal is too small. `need` is the size (columns, rows) that would
    /// show it this way.
    TooSmall { need: (u16, u16) },
}

/// Modules per side of the registration QR for `payload`, quiet zone included (error
/// correction M, the shortest mode for the text); `None` if it cannot be encoded.
pub fn qr_side(payload: &str) -> Option<usize> {
    qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M)
        .ok()
        .map(|c| c.width() + 2 * QR_QUIET)
}

/// Cells (columns, rows) a QR of `side` modules takes. Unicode: half blocks, one cell holds
/// two modules stacked. ASCII: two blank cells with a background colour per module (half
/// blocks are East-Asian ambiguous: conhost draws them two cells wide).
pub fn qr_cells(side: usize, ascii: bool) -> (u16, u16) {
    let side = u16::try_from(side).unwrap_or(u16::MAX);
    if ascii {
        (side.saturating_mul(2), side)
    } else {
        (side, side.div_ceil(2))
    }
}

/// The one size rule of the registration QR: where a QR of `side` modules is drawn on a
/// terminal of `term` (columns, rows), beside the checklist or, when `full_screen` was asked
/// for, alone on the screen.
pub fn qr_fit(side: usize, ascii: bool, term: (u16, u16), full_screen: bool) -> QrFit {
    let (qw, qh) = qr_cells(side, ascii);
    let (w, h) = term;
    if w < SCREEN_MIN.0 || h < SCREEN_MIN.1 {
        // Only 「画面を広げてください」 is drawn.
        let need = if full_screen {
            (qw.max(SCREEN_MIN.0), (qh + 1).max(SCREEN_MIN.1))
        } else {
            (
                (qw + 1 + QR_TEXT_MIN_WIDTH).max(SCREEN_MIN.0),
                (qh + SCREEN_CHROME_ROWS).max(SCREEN_MIN.1),
            )
        };
        return QrFit::TooSmall { need };
    }
    if full_screen {
        if qw <= w && qh < h {
            QrFit::FullScreen
        } else {
            QrFit::TooSmall { need: (qw, qh + 1) }
        }
    } else {
        let cw = w.min(SCREEN_MAX.0);
        let ch = h.min(SCREEN_MAX.1).saturating_sub(SCREEN_CHROME_ROWS);
        if qw + 1 + QR_TEXT_MIN_WIDTH <= cw && qh <= ch {
            QrFit::Beside
        } else {
            QrFit::TooSmall {
                need: (qw + 1 + QR_TEXT_MIN_WIDTH, qh + SCREEN_CHROME_ROWS),
            }
        }
    }
}

/// Why `q` is refused: the QR of `side` modules is not on screen, and what would show it
/// (the view shows the same line while the QR is not drawn).
pub fn qr_not_shown(side: usize, full_screen: bool, term: (u16, u16), ascii: bool) -> String {
    let (w, h) = term;
    match qr_fit(side, ascii, term, true) {
        QrFit::TooSmall { need } => {
            let hint = if ascii {
                "（ASCII表示のため大きくなります。Windows Terminal などでは desk.toml の glyphs = \"unicode\" で小さく表示できます）"
            } else {
                ""
            };
            format!(
                "QRコードを表示できないため受け渡せません。全画面でも 横{} x 縦{} 以上が必要です（いまは {w} x {h}）。画面を広げてください。{hint}",
                need.0, need.1
            )
        }
        _ if !full_screen => {
            "QRコードはまだ表示されていません。v で全画面表示して読み取ってもらってから q を押してください。".into()
        }
        _ => "QRコードを表示してから q を押してください。".into(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptChoice {
    /// 受領書あり: signed receipt collected, signature and date checked.
    Receipt,
    /// 受領書不要: the 発行完了通知はがき was presented.
    Postcard,
}

/// Step 3 input (counter).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandoffDraft {
    pub qr_handed: bool,
    /// The QR payload was on screen (by [`qr_fit`]) when `q` was ticked: only then is
    /// [`QrHandover::ShownOnScreen`] recorded, which erases the payload.
    pub qr_shown: bool,
    /// The QR is shown alone on the whole screen (`v`; Esc returns).
    pub full_screen: bool,
    pub receipt: Option<ReceiptChoice>,
    pub error: Option<String>,
}

impl Handover {
    /// Enter step 3 (from the card step, or back from the confirmation): the registration QR
    /// is asked from the store when the record has one.
    pub(super) fn enter_handoff_step(
        &mut self,
        identity: IdentityChecked,
        card: CardConfirmed,
    ) -> Vec<Effect> {
        let has_qr = self.record.has_registration_qr;
        let id = self.record.id;
        self.step = Step::Handoff {
            identity,
            card,
            qr: if has_qr {
                QrView::Loading
            } else {
                QrView::PrintedSheet
            },
        };
        if has_qr {
            return vec![Effect::LoadQr(id)];
        }
        Vec::new()
    }

    /// A key on step 3: tick the QR (only once it is on screen, if it is shown there), choose
    /// the receipt, and go on to the confirmation.
    pub(super) fn handoff_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let h = self;
        let Step::Handoff { identity, card, qr } = &mut h.step else {
            return Vec::new();
        };
        let d = &mut h.handoff_draft;
        d.error = None;
        let fit = match qr {
            QrView::Payload(p) => {
                qr_side(p).map(|side| qr_fit(side, cx.ascii, cx.term, d.full_screen))
            }
            _ => None,
        };
        match action {
            // Un-ticking is always possible; ticking a QR on screen needs it drawn.
            Action::ToggleQr if d.qr_handed => {
                d.qr_handed = false;
                d.qr_shown = false;
            }
            Action::ToggleQr => match (&*qr, fit) {
                (QrView::Loading, _) => {
                    d.error = Some("QRコードを読み込んでいます。".into());
                }
                (QrView::Payload(_), None) => {
                    d.error = Some("QRコードを作れませんでした。画面では渡せません。".into());
                }
                (QrView::Payload(p), Some(QrFit::TooSmall { .. })) => {
                    let side = qr_side(p).unwrap_or(0);
                    d.error = Some(qr_not_shown(side, d.full_screen, cx.term, cx.ascii));
                }
                (QrView::Payload(_), Some(_)) => {
                    d.qr_handed = true;
                    d.qr_shown = true;
                    d.full_screen = false;
                }
                _ => d.qr_handed = true,
            },
            Action::ShowQr => {
                if matches!(qr, QrView::Payload(_)) {
                    d.full_screen = !d.full_screen;
                } else {
                    d.error = Some("画面に表示するQRコードはありません。".into());
                }
            }
            Action::Back | Action::Next if d.full_screen => d.full_screen = false,
            Action::ReceiptCollected => d.receipt = Some(ReceiptChoice::Receipt),
            Action::PostcardPresented => d.receipt = Some(ReceiptChoice::Postcard),
            Action::Next => {
                let err = if matches!(qr, QrView::Loading) {
                    Some("QRコードを読み込んでいます。")
                } else if !d.qr_handed || (matches!(qr, QrView::Payload(_)) && !d.qr_shown) {
                    Some("初期登録用QRコードを渡したら q で確認してください。")
                } else if d.receipt.is_none() {
                    Some("受領書あり（r）か、はがき提出（h）を選んでください。")
                } else {
                    None
                };
                if let Some(e) = err {
                    d.error = Some(e.into());
                    return Vec::new();
                }
                let route = match d.receipt {
                    Some(ReceiptChoice::Postcard) => HandoverRoute::CounterWithPostcard,
                    _ => HandoverRoute::CounterWithReceipt,
                };
                // Shown on screen (which erases the payload) only if it was drawn.
                let qr_how = match qr {
                    QrView::Payload(_) if d.qr_shown => QrHandover::ShownOnScreen,
                    _ => QrHandover::PrintedSheet,
                };
                // The payload is dropped here: it is drawn only on the handoff step.
                h.step = confirm::step(
                    h.record.id,
                    route,
                    qr_how,
                    Some(identity.clone()),
                    card.clone(),
                );
            }
            Action::Back => {
                let identity = identity.clone();
                return h.enter_card_step(Some(identity), cx);
            }
            _ => {}
        }
        Vec::new()
    }

    /// The registration-QR payload for the handoff step.
    pub fn on_qr(&mut self, record_id: i64, result: Reply<Option<String>>) {
        let h = self;
        if h.record.id != record_id {
            return;
        }
        if let Step::Handoff { qr, .. } = &mut h.step
            && matches!(qr, QrView::Loading)
        {
            *qr = match result {
                Ok(Some(p)) => QrView::Payload(p),
                Ok(None) => QrView::PrintedSheet,
                Err(e) => QrView::Error(e.message),
            };
        }
    }
}
