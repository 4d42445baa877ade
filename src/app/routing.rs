//! Card events and effect results, routed: the reader state and the session's facts are
//! updated here, the rest goes to the screen or dialog it is for.

use super::{
    App, CardEvent, CardSlot, DIAGNOSIS_TITLE, Dialog, Effect, Flow, Handover, Loaded, Screen,
    ServiceState,
};
use crate::domain::CardState;
use crate::domain::record::CardRecord;

/// The footer notice when the card watcher failed and started over.
const WATCHER_RESTARTED: &str = "カードリーダの監視で問題が起きたため再起動しました。";

impl App {
    pub(super) fn handle_card(&mut self, sig: CardEvent) -> Vec<Effect> {
        let r = &mut self.session.reader;
        match &sig {
            CardEvent::ServiceUnavailable => {
                r.service = ServiceState::Unavailable;
                r.readers.clear();
                r.active = None;
                r.card = CardSlot::Absent;
            }
            CardEvent::ServiceAvailable => r.service = ServiceState::Available,
            CardEvent::ReaderAdded(name) => {
                r.service = ServiceState::Available;
                if !r.readers.contains(name) {
                    r.readers.push(name.clone());
                }
                if r.active.is_none() {
                    r.active = Some(name.clone());
                }
            }
            CardEvent::ReaderRemoved(name) => {
                r.readers.retain(|x| x != name);
                if r.active.as_deref() == Some(name.as_str()) {
                    r.active = r.readers.first().cloned();
                    r.card = CardSlot::Absent;
                }
            }
            CardEvent::CardInserted { reader } => {
                r.active = Some(reader.clone());
                r.card = CardSlot::Present;
            }
            CardEvent::CardRemoved { .. } => r.card = CardSlot::Absent,
            CardEvent::Reading { reader } => {
                r.active = Some(reader.clone());
                r.card = CardSlot::Reading;
            }
            CardEvent::ReadFinished { result, .. } => {
                r.card = match result {
                    Ok(reading) => CardSlot::Read(Box::new(reading.clone())),
                    Err(e) => CardSlot::Failed(e.user_message()),
                }
            }
            // The runtime has logged the detail; the desk hears that the watcher restarted.
            CardEvent::WatcherFault(_) => self.flash(WATCHER_RESTARTED, true),
        }
        match &mut self.screen {
            Screen::Handover(_) => self.handover_update(|h, cx| h.on_card(&sig, cx)),
            Screen::Office(_) if self.dialogs.is_empty() => {
                self.office_update(|o, cx| o.on_card(&sig, cx))
            }
            Screen::Office(_) => Vec::new(),
            Screen::Queue => {
                if let CardEvent::ReadFinished {
                    result: Ok(reading),
                    ..
                } = &sig
                    && self.dialogs.is_empty()
                {
                    return vec![Effect::FindByCertificate(reading.certificate.clone())];
                }
                Vec::new()
            }
            // The next physician's card: back to the queue and find its record.
            Screen::Done(_) => match &sig {
                CardEvent::ReadFinished {
                    result: Ok(reading),
                    ..
                } if self.dialogs.is_empty() => {
                    self.screen = Screen::Queue;
                    vec![
                        self.queue.search_effect(),
                        Effect::LoadCounts,
                        Effect::FindByCertificate(reading.certificate.clone()),
                    ]
                }
                _ => Vec::new(),
            },
        }
    }

    fn current_serial(&self) -> Option<&str> {
        match &self.session.reader.card {
            CardSlot::Read(r) => Some(r.certificate.serial_hex.as_str()),
            _ => None,
        }
    }

    pub(super) fn handle_loaded(&mut self, loaded: Loaded) -> Vec<Effect> {
        match loaded {
            Loaded::Search { seq, result } => {
                self.queue.apply_search(seq, result);
                Vec::new()
            }
            Loaded::Counts(result) => {
                match result {
                    Ok(c) => self.queue.counts = c,
                    Err(e) => self.flash(e.message, true),
                }
                Vec::new()
            }
            Loaded::Officers(result) => {
                match result {
                    Ok(list) => {
                        self.session.officers = list;
                        // The second-officer dialog lists the officers as the store has them.
                        let on_duty = self.session.officer.as_ref().map(|o| o.id);
                        if let Some(Dialog::SecondOfficer(d)) = self.dialogs.last_mut() {
                            d.refresh(&self.session.officers, on_duty);
                        }
                        let picking = self
                            .dialogs
                            .iter()
                            .any(|m| matches!(m, Dialog::OfficerPicker(_) | Dialog::Passphrase(_)));
                        if self.session.officer.is_none() {
                            // Demo: the first officer is taken at start, unless a passphrase
                            // guards them or the desk is locked (picker open).
                            let first_free = self
                                .session
                                .officers
                                .first()
                                .filter(|o| !o.has_passphrase && !picking);
                            if self.session.desk.demo && first_free.is_some() {
                                self.session.officer = first_free.cloned();
                            } else if !picking {
                                self.open_officer_picker();
                            }
                        }
                    }
                    Err(e) => self.flash(e.message, true),
                }
                Vec::new()
            }
            Loaded::OfficerAdded(result) => {
                match result {
                    Ok(o) => {
                        self.session.officers.push(o.clone());
                        self.session.officer = Some(o.clone());
                        if matches!(self.dialogs.last(), Some(Dialog::OfficerPicker(_))) {
                            self.dialogs.pop();
                        }
                        self.flash(format!("担当者: {}", o.name), false);
                        return self.after_unlock();
                    }
                    Err(e) => {
                        if let Some(Dialog::OfficerPicker(d)) = self.dialogs.last_mut() {
                            d.error = Some(e.message);
                        } else {
                            self.flash(e.message, true);
                        }
                    }
                }
                Vec::new()
            }
            Loaded::FoundByCertificate { serial, result } => {
                if !matches!(self.screen, Screen::Queue)
                    || !self.dialogs.is_empty()
                    || self.current_serial() != Some(serial.as_str())
                {
                    return Vec::new();
                }
                match result {
                    Ok(Some(record)) => {
                        self.queue.select_id(record.id);
                        self.open_handover(record, None)
                    }
                    Ok(None) => {
                        self.flash(
                            "リーダのカードに該当する記録が見つかりません（取込済みか確認してください）。",
                            true,
                        );
                        Vec::new()
                    }
                    Err(e) => {
                        self.flash(e.message, true);
                        Vec::new()
                    }
                }
            }
            Loaded::Qr { record_id, result } => {
                if let Screen::Handover(h) = &mut self.screen {
                    h.on_qr(record_id, result);
                }
                Vec::new()
            }
            Loaded::AuditRecorded(result) => {
                if let Err(e) = result {
                    self.flash(format!("監査ログに記録できませんでした: {e}"), true);
                }
                Vec::new()
            }
            Loaded::LedgerChecked(result) => {
                self.session.ledger_alert = match result {
                    Ok(found) if found.is_empty() => None,
                    Ok(found) => Some(format!(
                        "台帳と記録が食い違っています（{} 件）。kofu db check で確認してください: {}",
                        found.len(),
                        found[0]
                    )),
                    Err(e) => Some(format!("台帳を確認できませんでした: {e}")),
                };
                Vec::new()
            }
            Loaded::Committed(result) => self.handover_update(|h, cx| {
                h.on_committed(result, cx);
                Vec::new()
            }),
            Loaded::PassphraseChecked { officer_id, result } => {
                self.passphrase_checked(officer_id, result)
            }
            Loaded::Office(l) => self.office_loaded(l),
            Loaded::Diagnosis(lines) => {
                if let Some(Dialog::Message {
                    title, lines: l, ..
                }) = self.dialogs.last_mut()
                    && title == DIAGNOSIS_TITLE
                {
                    *l = lines;
                }
                Vec::new()
            }
            Loaded::Cancelled(result) => {
                match result {
                    Ok(rec) => self.flash(
                        format!(
                            "取消を記録しました（カードID {} は「{}」に戻りました）。",
                            rec.card_id,
                            rec.state.label()
                        ),
                        false,
                    ),
                    Err(e) => self.dialogs.push(Dialog::failed("取消できませんでした", e)),
                }
                vec![self.queue.search_effect(), Effect::LoadCounts]
            }
        }
    }

    /// Open the handover for a record (flow by its planned route unless given).
    /// A card that is not awaiting handover cannot be handed over again.
    pub fn open_handover(&mut self, record: CardRecord, flow: Option<Flow>) -> Vec<Effect> {
        if record.state != CardState::Awaiting {
            let line1 = format!(
                "{}（カードID {}）は「{}」です。",
                record.name,
                record.card_id,
                record.state.label()
            );
            self.dialogs.push(Dialog::Message {
                title: "交付できません".into(),
                lines: vec![
                    line1,
                    "同じカードを二度交付することはできません。".into(),
                    "記録の誤りを直すときは一覧で F8（取消/訂正）を使ってください。".into(),
                ],
                error: true,
            });
            return Vec::new();
        }
        let flow = flow.unwrap_or(match record.route {
            Some(crate::domain::Route::Mail) => Flow::Mail,
            _ => Flow::Counter,
        });
        let counts = (
            self.session.rules.id_docs.all().len(),
            self.session.rules.id_docs.required().len(),
        );
        let h = Handover::new(record, flow, counts, self.session.today);
        self.screen = Screen::Handover(Box::new(h));
        self.session.flash = None;
        match flow {
            Flow::Counter => Vec::new(),
            Flow::Mail => self.handover_update(|h, cx| h.enter_card_step(None, cx)),
        }
    }
}
