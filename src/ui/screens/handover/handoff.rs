//! Step 3 of the counter handover, 受け渡し: the checklist and the registration QR, beside it
//! or alone on the screen (`v`) as the app's size rule (`qr_fit`) says.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::{Env, check_line, error_or_hint};
use crate::app::screens::handover::{QrFit, qr_fit, qr_not_shown};
use crate::app::{Handover, QrView, ReceiptChoice};
use crate::ui::qr::QrPicture;
use crate::ui::render_para;
use crate::ui::theme::{self, Glyphs};
use crate::ui::widgets::boxed;

pub(super) fn draw_handoff(
    frame: &mut Frame,
    env: &Env<'_>,
    h: &Handover,
    qr: &QrView,
    area: Rect,
    g: &Glyphs,
) {
    let d = &h.handoff_draft;
    let picture = match qr {
        QrView::Payload(p) => QrPicture::new(p, env.ascii),
        _ => None,
    };
    let qr_label = match qr {
        QrView::Payload(_) => "QRコードを本人のスマートフォンで読み取ってもらった",
        _ => "QRコードの印刷物をカードと一緒に手渡した",
    };
    let receipt = d.receipt == Some(ReceiptChoice::Receipt);
    let postcard = d.receipt == Some(ReceiptChoice::Postcard);
    let mut lines = vec![
        Line::styled("カードと初期登録用QRコードを本人に渡します。", theme::dim()),
        Line::from(""),
        check_line("q ".into(), g.check(d.qr_handed), qr_label, d.qr_handed),
        Line::from(""),
        Line::styled("受領書", theme::title()),
        check_line(
            "r ".into(),
            g.radio(receipt),
            "受領書あり（署名と日付を確認して回収）",
            receipt,
        ),
        check_line(
            "h ".into(),
            g.radio(postcard),
            "受領書不要（発行完了通知はがきを提出）",
            postcard,
        ),
        Line::from(""),
    ];
    match qr {
        QrView::Loading => lines.push(Line::styled("QRコードを読み込んでいます。", theme::warn())),
        QrView::Error(e) => lines.push(Line::styled(
            format!("QRコードを読み込めませんでした: {e}"),
            theme::error(),
        )),
        QrView::Payload(_) if picture.is_none() => lines.push(Line::styled(
            "QRコードを作れませんでした。印刷物で渡してください。",
            theme::error(),
        )),
        _ => {}
    }
    let full = frame.area();
    let term = (full.width, full.height);
    let can_go_full = picture
        .as_ref()
        .is_some_and(|p| qr_fit(p.side(), env.ascii, term, true) == QrFit::FullScreen);
    let hint = if can_go_full {
        "v でQRを全画面に、Enter で次へ（確認）。"
    } else {
        "Enter で次へ（確認）。"
    };
    lines.push(error_or_hint(d.error.as_deref(), hint));
    // The QR code is drawn only here, beside the checklist without a frame around it, or
    // alone on the whole screen (`v`); where is the app's rule (`qr_fit`), so that `q` is
    // accepted exactly when the QR is on screen.
    let mut text_area = area;
    if let Some(pic) = &picture {
        let (qw, qh) = pic.size();
        match qr_fit(pic.side(), env.ascii, term, d.full_screen) {
            QrFit::FullScreen => {
                draw_qr_full_screen(frame, pic, d.error.as_deref(), full);
                return;
            }
            QrFit::Beside if qw < area.width && qh <= area.height => {
                text_area = Rect::new(area.x, area.y, area.width - qw - 1, area.height);
                let x = area.x + area.width - qw;
                pic.render(Rect::new(x, area.y, qw, qh), frame.buffer_mut());
            }
            _ => {
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    qr_not_shown(pic.side(), d.full_screen, term, env.ascii),
                    theme::warn(),
                ));
            }
        }
    }
    let block = boxed("3 受け渡し", g);
    let inner = block.inner(text_area);
    frame.render_widget(block, text_area);
    render_para(frame, inner, lines);
}

/// The registration QR alone on the screen, one line of instructions under it; nothing else
/// (no name, no header, no footer) is drawn.
fn draw_qr_full_screen(frame: &mut Frame, pic: &QrPicture, error: Option<&str>, full: Rect) {
    frame.render_widget(Clear, full);
    let (qw, qh) = pic.size();
    let top = full.y + full.height.saturating_sub(qh + 1) / 2;
    let x = full.x + full.width.saturating_sub(qw) / 2;
    pic.render(Rect::new(x, top, qw, qh), frame.buffer_mut());
    let line = match error {
        Some(e) => Line::styled(e.to_string(), theme::error()),
        None => Line::styled(
            "本人のスマートフォンで読み取ってもらったら q。Esc で戻ります。",
            theme::title(),
        ),
    };
    let text = Rect::new(full.x, top + qh, full.width, 1);
    frame.render_widget(Paragraph::new(line).alignment(Alignment::Center), text);
}
