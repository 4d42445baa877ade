//! 別の担当者の確認: a 不一致 recorded as an exception needs a second officer on the desk to
//! confirm it (issue: "mismatch overrides take two"). Opened by the commit confirmation when the
//! handover is an exception; the chosen officer types their passphrase when they have one. The
//! store checks the confirmation again when it records the handover (another active officer,
//! their passphrase), so the desk cannot be talked past it.

use crate::app::{Action, LineEdit, OfficerInfo, PASSPHRASE_MAX_CHARS, SecretField};
use crate::domain::handover::Confirmation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondOfficerDialog {
    /// Active officers other than the one on duty.
    pub candidates: Vec<OfficerInfo>,
    pub selected: usize,
    /// The chosen officer's passphrase (masked; only when they have one).
    pub passphrase: SecretField,
    pub error: Option<String>,
}

/// What the dialog decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecondOfficerAnswer {
    Stay,
    Cancel,
    Confirmed(Confirmation),
}

impl SecondOfficerDialog {
    /// The dialog for the officers on the list, leaving out the one on duty.
    pub fn new(officers: &[OfficerInfo], on_duty: Option<i64>) -> Self {
        SecondOfficerDialog {
            candidates: officers
                .iter()
                .filter(|o| Some(o.id) != on_duty)
                .cloned()
                .collect(),
            selected: 0,
            passphrase: SecretField(LineEdit::code(PASSPHRASE_MAX_CHARS)),
            error: None,
        }
    }

    /// The officer list changed (the store's answer): keep the choice when it is still there.
    pub fn refresh(&mut self, officers: &[OfficerInfo], on_duty: Option<i64>) {
        let keep = self.chosen().map(|o| o.id);
        *self = SecondOfficerDialog {
            error: self.error.take(),
            ..SecondOfficerDialog::new(officers, on_duty)
        };
        if let Some(i) = keep.and_then(|id| self.candidates.iter().position(|o| o.id == id)) {
            self.selected = i;
        }
    }

    pub fn chosen(&self) -> Option<&OfficerInfo> {
        self.candidates.get(self.selected)
    }

    /// The passphrase field has the focus only when the chosen officer has a passphrase.
    pub fn field(&self) -> Option<&LineEdit> {
        self.chosen()
            .filter(|o| o.has_passphrase)
            .map(|_| &self.passphrase.0)
    }

    pub fn field_mut(&mut self) -> Option<&mut LineEdit> {
        let has = self.chosen().is_some_and(|o| o.has_passphrase);
        has.then_some(&mut self.passphrase.0)
    }

    pub fn update(&mut self, action: Action) -> SecondOfficerAnswer {
        self.error = None;
        match action {
            Action::Up | Action::Down => {
                let n = self.candidates.len();
                if n > 0 {
                    self.selected = if action == Action::Up {
                        self.selected.saturating_sub(1)
                    } else {
                        (self.selected + 1).min(n - 1)
                    };
                }
                self.passphrase.0.clear();
                SecondOfficerAnswer::Stay
            }
            Action::No => SecondOfficerAnswer::Cancel,
            Action::Yes => {
                let Some(o) = self.chosen() else {
                    self.error = Some(
                        "確認できる担当者が登録されていません。別の担当者を登録（F3）してから記録してください。"
                            .into(),
                    );
                    return SecondOfficerAnswer::Stay;
                };
                let passphrase = if o.has_passphrase {
                    if self.passphrase.0.is_blank() {
                        self.error =
                            Some(format!("{} さんのパスフレーズを入力してください。", o.name));
                        return SecondOfficerAnswer::Stay;
                    }
                    Some(self.passphrase.0.value().to_string())
                } else {
                    None
                };
                let officer_id = o.id;
                self.passphrase.0.clear();
                SecondOfficerAnswer::Confirmed(Confirmation {
                    officer_id,
                    passphrase,
                })
            }
            _ => SecondOfficerAnswer::Stay,
        }
    }
}
