//! The idle lock: after `idle_lock_minutes` without a key nobody is on duty and the officer
//! picker opens; unlocking goes back to the work left open or abandons it.

use super::dialogs::officer::OfficerPickerDialog;
use super::{App, Dialog, Effect, Locked, Screen};

/// Ticks per minute (the runtime ticks every 250 ms).
pub const TICKS_PER_MINUTE: u64 = 240;

impl App {
    /// Lock the desk after `idle_lock_minutes` without a key, on every screen. Whatever is
    /// open (a handover half done, dialogs) is kept out of sight while locked: the officer who
    /// was on duty unlocks back to where they were; another officer abandons it
    /// ([`App::after_unlock`]).
    pub(super) fn check_idle_lock(&mut self) -> Vec<Effect> {
        let limit = u64::from(self.session.desk.idle_lock_minutes) * TICKS_PER_MINUTE;
        if limit == 0 || self.session.idle_ticks < limit {
            return Vec::new();
        }
        let Some(officer) = self.session.officer.take() else {
            return Vec::new();
        };
        self.session.locked = Some(Locked {
            officer_id: officer.id,
            dialogs: std::mem::take(&mut self.dialogs),
        });
        self.open_officer_picker_at(Some(officer.id));
        self.flash(
            "操作がなかったためロックしました。担当者を選んでください。",
            false,
        );
        vec![Effect::LoadOfficers]
    }

    /// After the desk was unlocked: the same officer is back where they were; another officer
    /// abandons what the first left open — a handover in progress is recorded as abandoned
    /// (nothing is committed) and the queue shows again.
    pub(crate) fn after_unlock(&mut self) -> Vec<Effect> {
        let Some(locked) = self.session.locked.take() else {
            return Vec::new();
        };
        let now = self.session.officer.as_ref().map(|o| o.id);
        if now == Some(locked.officer_id) {
            self.dialogs.splice(0..0, locked.dialogs);
            self.flash("ロックを解除しました。続きから操作できます。", false);
            return Vec::new();
        }
        let mut fx = Vec::new();
        if let Screen::Handover(h) = &self.screen {
            fx.push(Effect::AbandonHandover {
                card: h.record.id,
                officer_id: locked.officer_id,
            });
            self.flash(
                format!(
                    "前の担当者の交付（カードID {}）は中止しました（記録は変わっていません）。",
                    h.record.card_id
                ),
                false,
            );
        }
        if !matches!(self.screen, Screen::Queue) {
            self.screen = Screen::Queue;
        }
        fx.extend([self.queue.search_effect(), Effect::LoadCounts]);
        fx
    }

    pub(super) fn open_officer_picker(&mut self) {
        let on_duty = self.session.officer.as_ref().map(|o| o.id);
        self.open_officer_picker_at(on_duty);
    }

    fn open_officer_picker_at(&mut self, officer: Option<i64>) {
        let selected = officer
            .and_then(|id| self.session.officers.iter().position(|x| x.id == id))
            .unwrap_or(0);
        self.dialogs
            .push(Dialog::OfficerPicker(Box::new(OfficerPickerDialog::new(
                selected,
            ))));
    }
}
