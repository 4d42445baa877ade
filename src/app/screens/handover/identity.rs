//! Step 1 of the counter handover, 本人確認: the identity documents seen (their types, never
//! their numbers), the photo compared and the printed details confirmed by the physician.

use super::Handover;
use crate::app::cx::Cx;
use crate::app::{Action, Dialog, Effect};

/// Step 1 input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityDraft {
    /// One flag per identity document of `Rules::id_docs`.
    pub checked: Vec<bool>,
    /// One flag per required document (医師免許証（原本）, `[[required]]`).
    pub required: Vec<bool>,
    /// 写真と本人を照合した.
    pub photo: bool,
    /// The physician confirmed the printed details.
    pub details: bool,
    /// Highlighted item: documents first, then photo, then details, then the required documents.
    pub cursor: usize,
    pub error: Option<String>,
}

impl IdentityDraft {
    /// Nothing ticked yet, for `doc_count` identity documents and `required_count` required ones.
    pub(super) fn new(doc_count: usize, required_count: usize) -> Self {
        IdentityDraft {
            checked: vec![false; doc_count],
            required: vec![false; required_count],
            photo: false,
            details: false,
            cursor: 0,
            error: None,
        }
    }
}

/// Step 1 passed: which document types were checked (ids, never numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityChecked {
    /// Required documents first (e.g. `medical_license`), then the identity documents.
    pub documents: Vec<String>,
    /// The photo was compared (false when no document with a photo was used).
    pub photo_checked: bool,
}

impl Handover {
    /// A key on step 1: tick documents and checks; Enter goes on to the card step once the
    /// documents satisfy the rule.
    pub(super) fn identity_update(&mut self, action: Action, cx: &mut Cx) -> Vec<Effect> {
        let id_docs = &cx.rules.id_docs;
        let h = self;
        let n = id_docs.all().len();
        let r = id_docs.required().len();
        let d = &mut h.identity_draft;
        d.error = None;
        match action {
            Action::ToggleDoc(k) => {
                let i = usize::from(k).saturating_sub(1);
                if let Some(c) = d.checked.get_mut(i) {
                    *c = !*c;
                    d.cursor = i;
                }
            }
            Action::TogglePhoto => d.photo = !d.photo,
            Action::ToggleRequired => {
                if let Some(c) = d.required.first_mut() {
                    *c = !*c;
                }
            }
            Action::ToggleDetails => d.details = !d.details,
            Action::Up => d.cursor = d.cursor.saturating_sub(1),
            Action::Down => d.cursor = (d.cursor + 1).min(n + 1 + r),
            Action::ToggleCursor => {
                if d.cursor < n {
                    if let Some(c) = d.checked.get_mut(d.cursor) {
                        *c = !*c;
                    }
                } else if d.cursor == n {
                    d.photo = !d.photo;
                } else if d.cursor == n + 1 {
                    d.details = !d.details;
                } else if let Some(c) = d.required.get_mut(d.cursor - n - 2) {
                    *c = !*c;
                }
            }
            Action::Next => {
                let chosen: Vec<&str> = id_docs
                    .all()
                    .iter()
                    .zip(&d.checked)
                    .filter(|(_, c)| **c)
                    .map(|(o, _)| o.id.as_str())
                    .collect();
                let needs_photo = id_docs.needs_photo(&chosen);
                let err = if let Err(e) = id_docs.missing_required(&d.required) {
                    Some(format!("{e}（m）。"))
                } else if let Err(e) = id_docs.check(&chosen) {
                    Some(format!("本人確認書類が足りません: {e}"))
                } else if needs_photo && !d.photo {
                    Some("写真と本人の照合を確認してください（p）。".to_string())
                } else if !d.details {
                    Some("カード記載事項の確認を本人にしてもらってください（d）。".to_string())
                } else {
                    None
                };
                if let Some(e) = err {
                    d.error = Some(e);
                    return Vec::new();
                }
                let identity = IdentityChecked {
                    documents: id_docs
                        .required()
                        .iter()
                        .map(|r| r.id.clone())
                        .chain(chosen.iter().map(|s| s.to_string()))
                        .collect(),
                    photo_checked: needs_photo && d.photo,
                };
                return h.enter_card_step(Some(identity), cx);
            }
            // Leaving the first step throws the handover away: ask first.
            Action::Back => cx.push(Dialog::AbandonConfirm {
                notice: "交付を中止しました（記録は変わっていません）。",
            }),
            _ => {}
        }
        Vec::new()
    }
}
