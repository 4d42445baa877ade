//! The ONE key table: (context, key, action, Japanese label). It feeds dispatch, the footer
//! hints and the help screen, so a key cannot work without being documented.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys that tick identity documents, in the order of `data/id-documents.toml`
/// (skipping the step's own letters d and p).
pub const DOC_KEYS: &[char] = &[
    '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', 'a', 'b', 'c', 'e', 'f', 'g', 'h', 'i', 'j',
    'k',
];

/// The key that ticks document `index` (0-based), if it has one.
pub fn doc_key(index: usize) -> Option<char> {
    DOC_KEYS.get(index).copied()
}

/// Where a binding applies. Dialogs and screens each have one; `Global` applies everywhere
/// below a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    Global,
    Queue,
    Identity,
    CardCheck,
    /// Card step while the reason field has focus.
    CardNote,
    Handoff,
    MailDetails,
    Confirm,
    Done,
    Help,
    Message,
    ConfirmCommit,
    CancelReason,
    OfficerPicker,
    DemoTray,
    QuitConfirm,
    /// Leaving a handover from its first step (Esc asks).
    AbandonConfirm,
    /// 窓口案内 without a text field focused.
    Reference,
    /// 窓口案内 with a text field focused.
    ReferenceField,
    /// Passphrase of the officer taking over the desk.
    Passphrase,
    /// A second officer confirms a 不一致 recorded as an exception.
    SecondOfficer,
    // 業務メニュー (app/screens/office/)
    OfficeMenu,
    OfficeReceipts,
    OfficeMail,
    /// A back-office text dialog (tracking number, reason).
    OfficeInput,
    OfficeConfirm,
    OfficeAppointments,
    /// The appointment dialog (date and time fields).
    OfficeAppointment,
    OfficeUncollected,
    /// The contact dialog (note field).
    OfficeContact,
    /// The contact dialog with the method row focused (no text field).
    OfficeContactMethod,
    OfficeArrival,
    /// 入荷確認 before a shipment is chosen.
    OfficeShipments,
    OfficeReport,
}

impl Context {
    pub const ALL: [Context; 34] = [
        Context::Global,
        Context::Queue,
        Context::Identity,
        Context::CardCheck,
        Context::CardNote,
        Context::Handoff,
        Context::MailDetails,
        Context::Confirm,
        Context::Done,
        Context::Help,
        Context::Message,
        Context::ConfirmCommit,
        Context::CancelReason,
        Context::OfficerPicker,
        Context::DemoTray,
        Context::QuitConfirm,
        Context::AbandonConfirm,
        Context::Reference,
        Context::ReferenceField,
        Context::Passphrase,
        Context::SecondOfficer,
        Context::OfficeMenu,
        Context::OfficeReceipts,
        Context::OfficeMail,
        Context::OfficeInput,
        Context::OfficeConfirm,
        Context::OfficeAppointments,
        Context::OfficeAppointment,
        Context::OfficeUncollected,
        Context::OfficeContact,
        Context::OfficeContactMethod,
        Context::OfficeArrival,
        Context::OfficeShipments,
        Context::OfficeReport,
    ];

    /// Heading used in the help screen.
    pub fn label(self) -> &'static str {
        match self {
            Context::Global => "全画面共通",
            Context::Queue => "受付待ち一覧",
            Context::Identity => "交付 1 本人確認",
            Context::CardCheck => "交付 2 カード読取",
            Context::CardNote => "交付 2 理由の入力中",
            Context::Handoff => "交付 3 受け渡し",
            Context::MailDetails => "郵送 発送情報",
            Context::Confirm => "交付 4 確認",
            Context::Done => "完了画面",
            Context::Help => "ヘルプ",
            Context::Message => "お知らせ",
            Context::ConfirmCommit => "確定の確認",
            Context::CancelReason => "取消/訂正",
            Context::OfficerPicker => "担当者の選択",
            Context::DemoTray => "デモ用カードトレイ",
            Context::QuitConfirm => "終了の確認",
            Context::AbandonConfirm => "交付中止の確認",
            Context::Reference => "窓口案内",
            Context::ReferenceField => "窓口案内 入力中",
            Context::Passphrase => "パスフレーズの入力",
            Context::SecondOfficer => "別の担当者の確認",
            Context::OfficeMenu => "業務メニュー",
            Context::OfficeReceipts => "受領書返送",
            Context::OfficeMail => "本人限定受取郵便",
            Context::OfficeInput => "業務 入力欄",
            Context::OfficeConfirm => "業務 確認",
            Context::OfficeAppointments => "予約一覧",
            Context::OfficeAppointment => "予約の登録",
            Context::OfficeUncollected => "未交付カード",
            Context::OfficeContact => "連絡の記録",
            Context::OfficeContactMethod => "連絡の記録（方法）",
            Context::OfficeArrival => "入荷確認",
            Context::OfficeShipments => "入荷確認 発送リストの選択",
            Context::OfficeReport => "日報・月報",
        }
    }

    /// True when a text field has focus in this context: no plain-character shortcuts here.
    pub fn has_text_focus(self) -> bool {
        matches!(
            self,
            Context::Queue
                | Context::CardNote
                | Context::MailDetails
                | Context::CancelReason
                | Context::OfficerPicker
                | Context::ReferenceField
                | Context::Passphrase
                | Context::SecondOfficer
                | Context::OfficeInput
                | Context::OfficeAppointment
                | Context::OfficeContact
        )
    }
}

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpec {
    Key(KeyCode, KeyModifiers),
    /// One of [`DOC_KEYS`] (the action gets the 1-based document number).
    DocKeys,
}

impl KeySpec {
    const fn plain(code: KeyCode) -> Self {
        KeySpec::Key(code, KeyModifiers::NONE)
    }
    const fn ctrl(c: char) -> Self {
        KeySpec::Key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    /// True for a key that would otherwise type a character.
    pub fn is_plain_char(self) -> bool {
        match self {
            KeySpec::DocKeys => true,
            KeySpec::Key(KeyCode::Char(_), m) => {
                !m.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            }
            KeySpec::Key(..) => false,
        }
    }

    /// The key as shown in the footer and help. `ascii` avoids arrows (East-Asian ambiguous).
    pub fn display(self, ascii: bool) -> String {
        match self {
            KeySpec::DocKeys => "1-0,a-k".to_string(),
            KeySpec::Key(code, mods) => {
                let base = match code {
                    KeyCode::Enter => "Enter".to_string(),
                    KeyCode::Esc => "Esc".to_string(),
                    KeyCode::Tab => "Tab".to_string(),
                    KeyCode::BackTab => "Shift+Tab".to_string(),
                    KeyCode::Up => if ascii { "Up" } else { "↑" }.to_string(),
                    KeyCode::Down => if ascii { "Down" } else { "↓" }.to_string(),
                    KeyCode::Left => if ascii { "Left" } else { "←" }.to_string(),
                    KeyCode::Right => if ascii { "Right" } else { "→" }.to_string(),
                    KeyCode::PageUp => "PgUp".to_string(),
                    KeyCode::PageDown => "PgDn".to_string(),
                    KeyCode::F(n) => format!("F{n}"),
                    KeyCode::Char(' ') => "Space".to_string(),
                    KeyCode::Char(c) => c.to_string(),
                    other => format!("{other:?}"),
                };
                if mods.contains(KeyModifiers::CONTROL) {
                    format!("Ctrl+{}", base.to_uppercase())
                } else {
                    base
                }
            }
        }
    }

    fn matches(self, key: &KeyEvent) -> Option<u8> {
        match self {
            KeySpec::DocKeys => match key.code {
                KeyCode::Char(c)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    DOC_KEYS
                        .iter()
                        .position(|k| *k == c)
                        .and_then(|i| u8::try_from(i + 1).ok())
                }
                _ => None,
            },
            KeySpec::Key(code, mods) => {
                // Shift is part of the character itself ('?' arrives with SHIFT on some terminals).
                let relevant = KeyModifiers::CONTROL | KeyModifiers::ALT;
                let key_code = match key.code {
                    KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
                    other => other,
                };
                let code = match code {
                    KeyCode::Char(c) => KeyCode::Char(c.to_ascii_lowercase()),
                    other => other,
                };
                (key_code == code && (key.modifiers & relevant) == (mods & relevant)).then_some(0)
            }
        }
    }
}

/// What a key asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    Refresh,
    Up,
    Down,
    PageUp,
    PageDown,
    Open,
    OpenMail,
    CycleFilter,
    ClearSearch,
    CancelHandover,
    DemoTray,
    SwitchOfficer,
    Next,
    Back,
    ToggleDoc(u8),
    /// The first required document (医師免許証（原本）).
    ToggleRequired,
    ToggleCursor,
    TogglePhoto,
    ToggleDetails,
    ConfirmNear,
    /// The officer told the physician that the card's PIN is locked.
    AckPinLocked,
    RecordException,
    AbortHandover,
    Reread,
    ToggleQr,
    /// The registration QR alone on the whole screen (and back).
    ShowQr,
    ReceiptCollected,
    PostcardPresented,
    SwitchField,
    LeaveField,
    Commit,
    Yes,
    No,
    Close,
    DemoPlace(u8),
    DemoLift,
    OpenReference,
    NextSection,
    PrevSection,
    /// 窓口案内: jump to section n (1-based).
    GoSection(u8),
    /// Tab / Shift+Tab: the next / previous field of a form.
    NextField,
    PrevField,
    ChoiceNext,
    ChoicePrev,
    // 業務メニュー (app/screens/office/)
    OfficeMenu,
    OfficePick(u8),
    MarkAll,
    NewBatch,
    MarkSent,
    ExportBatch,
    ReopenBatch,
    MailDelivered,
    MailReturned,
    Appointment,
    ClearAppointment,
    PrevDay,
    NextDay,
    Today,
    ExportDay,
    RecordContact,
    ToggleHold,
    VerifyCards,
    ResolveProblem,
    ShowSummary,
    ToggleReport,
    EnterDate,
    /// Reader diagnostics for a support mail (no personal data).
    ReaderDiagnose,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub key: KeySpec,
    pub action: Action,
    pub label: &'static str,
    /// Shown in the footer (the help screen shows every binding).
    pub footer: bool,
    /// Only in demo mode.
    pub demo_only: bool,
}

const fn b(context: Context, key: KeySpec, action: Action, label: &'static str) -> Binding {
    Binding {
        context,
        key,
        action,
        label,
        footer: true,
        demo_only: false,
    }
}

const fn quiet(context: Context, key: KeySpec, action: Action, label: &'static str) -> Binding {
    Binding {
        context,
        key,
        action,
        label,
        footer: false,
        demo_only: false,
    }
}

const fn demo(context: Context, key: KeySpec, action: Action, label: &'static str) -> Binding {
    Binding {
        context,
        key,
        action,
        label,
        footer: true,
        demo_only: true,
    }
}

use Action as A;
use Context as C;
use KeyCode as K;

const ENTER: KeySpec = KeySpec::plain(K::Enter);
const ESC: KeySpec = KeySpec::plain(K::Esc);
const UP: KeySpec = KeySpec::plain(K::Up);
const DOWN: KeySpec = KeySpec::plain(K::Down);
const LEFT: KeySpec = KeySpec::plain(K::Left);
const RIGHT: KeySpec = KeySpec::plain(K::Right);
const TAB: KeySpec = KeySpec::plain(K::Tab);
const CTRL_RIGHT: KeySpec = KeySpec::Key(K::Right, KeyModifiers::CONTROL);
const CTRL_LEFT: KeySpec = KeySpec::Key(K::Left, KeyModifiers::CONTROL);
const BACKTAB: KeySpec = KeySpec::plain(K::BackTab);
const PAGE_UP: KeySpec = KeySpec::plain(K::PageUp);
const PAGE_DOWN: KeySpec = KeySpec::plain(K::PageDown);
const fn ch(c: char) -> KeySpec {
    KeySpec::plain(K::Char(c))
}
const fn f(n: u8) -> KeySpec {
    KeySpec::plain(K::F(n))
}

/// The picker's Enter at the lock, where no officer can be added (footer and help).
pub const PICK_LOCKED: &str = "選択（ロック中）";

/// The table, one binding a row (kept so by `rustfmt::skip`). Order matters only for display.
#[rustfmt::skip]
pub static KEYMAP: &[Binding] = &[
    // Global
    b(C::Global, f(1), A::Help, "ヘルプ"),
    b(C::Global, f(10), A::Quit, "終了"),
    quiet(C::Global, KeySpec::ctrl('q'), A::Quit, "終了"),
    quiet(C::Global, KeySpec::ctrl('c'), A::Quit, "終了"),
    quiet(C::Global, ch('?'), A::Help, "ヘルプ（入力欄の外で）"),
    // Queue (the search field always has focus: no plain characters)
    // Footer order is by use: when they do not all fit, the last ones go first
    // (at 120 columns Enter, F9, F4, F12, F2 and F3 stay; at 80 Enter, F9, F4 and F12).
    b(C::Queue, ENTER, A::Open, "交付へ"),
    b(C::Queue, f(9), A::Appointment, "予約"),
    b(C::Queue, f(4), A::OpenMail, "郵送発送"),
    b(C::Queue, f(12), A::OfficeMenu, "業務メニュー"),
    b(C::Queue, f(2), A::CycleFilter, "状態切替"),
    b(C::Queue, f(3), A::SwitchOfficer, "担当者"),
    b(C::Queue, f(8), A::CancelHandover, "取消/訂正"),
    quiet(C::Queue, UP, A::Up, "前の行"),
    quiet(C::Queue, DOWN, A::Down, "次の行"),
    quiet(C::Queue, PAGE_UP, A::PageUp, "前のページ"),
    quiet(C::Queue, PAGE_DOWN, A::PageDown, "次のページ"),
    quiet(C::Queue, ESC, A::ClearSearch, "検索語を消す"),
    quiet(C::Queue, f(5), A::Refresh, "再読込"),
    demo(C::Queue, f(6), A::DemoTray, "デモカード"),
    // 1 本人確認
    b(C::Identity, KeySpec::DocKeys, A::ToggleDoc(0), "書類を選ぶ"),
    b(C::Identity, ch('m'), A::ToggleRequired, "医師免許証"),
    b(C::Identity, ch('p'), A::TogglePhoto, "写真照合"),
    b(C::Identity, ch('d'), A::ToggleDetails, "記載確認"),
    b(C::Identity, ENTER, A::Next, "次へ"),
    b(C::Identity, ESC, A::Back, "一覧へ戻る"),
    quiet(C::Identity, UP, A::Up, "前の項目"),
    quiet(C::Identity, DOWN, A::Down, "次の項目"),
    quiet(C::Identity, ch(' '), A::ToggleCursor, "項目を切り替える"),
    demo(C::Identity, f(6), A::DemoTray, "デモカード"),
    // 2 カード読取
    b(C::CardCheck, ENTER, A::Next, "次へ"),
    b(C::CardCheck, ch('y'), A::ConfirmNear, "同一人物として承認"),
    b(C::CardCheck, ch('e'), A::RecordException, "例外として記録"),
    b(C::CardCheck, ch('r'), A::Reread, "再読取"),
    b(C::CardCheck, ch('k'), A::AckPinLocked, "PINロックを案内した"),
    b(C::CardCheck, ch('x'), A::AbortHandover, "中止"),
    b(C::CardCheck, ESC, A::Back, "戻る"),
    demo(C::CardCheck, f(6), A::DemoTray, "デモカード"),
    b(C::CardNote, ENTER, A::Next, "理由を確定して次へ"),
    b(C::CardNote, ESC, A::LeaveField, "入力をやめる"),
    quiet(C::CardNote, UP, A::Up, "前の定型の理由"),
    quiet(C::CardNote, DOWN, A::Down, "次の定型の理由"),
    // 3 受け渡し
    b(C::Handoff, ch('q'), A::ToggleQr, "QR手渡し"),
    // Told on the step itself when there is a QR to show (the footer keeps Enter at 80x24).
    quiet(C::Handoff, ch('v'), A::ShowQr, "QR全画面"),
    b(C::Handoff, ch('r'), A::ReceiptCollected, "受領書あり"),
    b(C::Handoff, ch('h'), A::PostcardPresented, "はがき提出"),
    b(C::Handoff, ENTER, A::Next, "次へ"),
    b(C::Handoff, ESC, A::Back, "戻る"),
    // 郵送
    b(C::MailDetails, TAB, A::SwitchField, "欄の移動"),
    quiet(C::MailDetails, BACKTAB, A::SwitchField, "欄の移動"),
    quiet(C::MailDetails, UP, A::SwitchField, "欄の移動"),
    quiet(C::MailDetails, DOWN, A::SwitchField, "欄の移動"),
    b(C::MailDetails, ENTER, A::Next, "次へ"),
    b(C::MailDetails, ESC, A::Back, "戻る"),
    // 4 確認
    b(C::Confirm, f(9), A::Commit, "確定"),
    quiet(C::Confirm, ENTER, A::Commit, "確定"),
    b(C::Confirm, ESC, A::Back, "戻る"),
    // 完了
    b(C::Done, ENTER, A::Close, "一覧へ"),
    quiet(C::Done, ESC, A::Close, "一覧へ"),
    // Dialogs
    b(C::Help, ESC, A::Close, "閉じる"),
    quiet(C::Help, f(1), A::Close, "閉じる"),
    quiet(C::Help, ENTER, A::Close, "閉じる"),
    b(C::Help, UP, A::Up, "上へ"),
    b(C::Help, DOWN, A::Down, "下へ"),
    quiet(C::Help, PAGE_UP, A::PageUp, "前のページ"),
    quiet(C::Help, PAGE_DOWN, A::PageDown, "次のページ"),
    b(C::Message, ENTER, A::Close, "閉じる"),
    quiet(C::Message, ESC, A::Close, "閉じる"),
    b(C::ConfirmCommit, ch('y'), A::Yes, "確定する"),
    b(C::ConfirmCommit, ESC, A::No, "やめる"),
    quiet(C::ConfirmCommit, ch('n'), A::No, "やめる"),
    b(C::CancelReason, ENTER, A::Yes, "取消を記録"),
    b(C::CancelReason, ESC, A::No, "やめる"),
    b(C::OfficerPicker, ENTER, A::Yes, "選択/追加"),
    b(C::OfficerPicker, ENTER, A::Yes, PICK_LOCKED),
    quiet(C::OfficerPicker, UP, A::Up, "前の担当者"),
    quiet(C::OfficerPicker, DOWN, A::Down, "次の担当者"),
    b(C::OfficerPicker, ESC, A::No, "閉じる"),
    demo(C::DemoTray, ch('1'), A::DemoPlace(1), "本人のカード"),
    demo(C::DemoTray, ch('2'), A::DemoPlace(2), "別人のカード"),
    demo(C::DemoTray, ch('3'), A::DemoPlace(3), "異体字のカード"),
    demo(C::DemoTray, ch('4'), A::DemoPlace(4), "PINロック"),
    demo(C::DemoTray, ch('5'), A::DemoPlace(5), "HPKI以外"),
    demo(C::DemoTray, ch('0'), A::DemoLift, "カードを外す"),
    demo(C::DemoTray, ESC, A::Close, "閉じる"),
    b(C::QuitConfirm, ch('y'), A::Yes, "終了する"),
    b(C::QuitConfirm, ESC, A::No, "続ける"),
    quiet(C::QuitConfirm, ch('n'), A::No, "続ける"),
    b(C::AbandonConfirm, ch('y'), A::Yes, "中止する"),
    b(C::AbandonConfirm, ESC, A::No, "続ける"),
    quiet(C::AbandonConfirm, ch('n'), A::No, "続ける"),
    // 窓口案内 (F7 from every screen; Esc returns to where the officer was)
    b(C::Global, f(7), A::OpenReference, "窓口案内"),
    // Tab is always the next field; the sections (tabs) change with left/right or 1-5
    // (in a text field, where those edit, with Ctrl+left/right).
    b(C::Reference, RIGHT, A::NextSection, "次の項目"),
    quiet(C::Reference, LEFT, A::PrevSection, "前の項目"),
    quiet(C::Reference, CTRL_RIGHT, A::NextSection, "次の項目"),
    quiet(C::Reference, CTRL_LEFT, A::PrevSection, "前の項目"),
    quiet(C::Reference, ch('1'), A::GoSection(1), "有効期限"),
    quiet(C::Reference, ch('2'), A::GoSection(2), "手数料"),
    quiet(C::Reference, ch('3'), A::GoSection(3), "暗証番号"),
    quiet(C::Reference, ch('4'), A::GoSection(4), "郵送の手続き"),
    quiet(C::Reference, ch('5'), A::GoSection(5), "更新"),
    b(C::Reference, ch(' '), A::ChoiceNext, "選択を変える"),
    b(C::Reference, TAB, A::NextField, "次の欄"),
    quiet(C::Reference, BACKTAB, A::PrevField, "前の欄"),
    b(C::Reference, DOWN, A::Down, "下へ"),
    quiet(C::Reference, UP, A::Up, "上へ"),
    b(C::Reference, ESC, A::Close, "戻る"),
    quiet(C::Reference, f(7), A::Close, "戻る"),
    quiet(C::Reference, f(1), A::Help, "ヘルプ"),
    b(C::ReferenceField, TAB, A::NextField, "次の欄"),
    quiet(C::ReferenceField, BACKTAB, A::PrevField, "前の欄"),
    b(C::ReferenceField, CTRL_RIGHT, A::NextSection, "次の項目"),
    quiet(C::ReferenceField, CTRL_LEFT, A::PrevSection, "前の項目"),
    quiet(C::ReferenceField, DOWN, A::Down, "次の欄"),
    quiet(C::ReferenceField, UP, A::Up, "前の欄"),
    quiet(C::ReferenceField, ENTER, A::Down, "次の欄"),
    b(C::ReferenceField, ESC, A::Close, "戻る"),
    quiet(C::ReferenceField, f(7), A::Close, "戻る"),
    quiet(C::ReferenceField, f(1), A::Help, "ヘルプ"),
    // Passphrase at the lock / when taking over the desk
    b(C::Passphrase, ENTER, A::Yes, "解除"),
    b(C::Passphrase, ESC, A::No, "担当者の選択へ"),
    // A second officer confirms an exception
    b(C::SecondOfficer, ENTER, A::Yes, "確認して記録"),
    quiet(C::SecondOfficer, UP, A::Up, "前の担当者"),
    quiet(C::SecondOfficer, DOWN, A::Down, "次の担当者"),
    b(C::SecondOfficer, ESC, A::No, "やめる"),
    // 業務メニュー (app/screens/office/)
    b(C::Queue, KeySpec::ctrl('r'), A::ReaderDiagnose, "リーダ診断"),
    b(C::OfficeMenu, ENTER, A::Open, "開く"),
    quiet(C::OfficeMenu, UP, A::Up, "前の項目"),
    quiet(C::OfficeMenu, DOWN, A::Down, "次の項目"),
    quiet(C::OfficeMenu, ch('1'), A::OfficePick(1), "受領書返送"),
    quiet(C::OfficeMenu, ch('2'), A::OfficePick(2), "本人限定受取郵便"),
    quiet(C::OfficeMenu, ch('3'), A::OfficePick(3), "予約一覧"),
    quiet(C::OfficeMenu, ch('4'), A::OfficePick(4), "未交付カード"),
    quiet(C::OfficeMenu, ch('5'), A::OfficePick(5), "入荷確認"),
    quiet(C::OfficeMenu, ch('6'), A::OfficePick(6), "日報・月報"),
    b(C::OfficeMenu, ESC, A::Back, "一覧へ戻る"),
    b(C::OfficeReceipts, ch(' '), A::ToggleCursor, "印"),
    b(C::OfficeReceipts, ch('n'), A::NewBatch, "作成"),
    b(C::OfficeReceipts, ch('s'), A::MarkSent, "送付済"),
    b(C::OfficeReceipts, ch('o'), A::ExportBatch, "送付状"),
    b(C::OfficeReceipts, ch('r'), A::ReopenBatch, "訂正"),
    b(C::OfficeReceipts, ESC, A::Back, "戻る"),
    b(C::OfficeReceipts, TAB, A::SwitchField, "一覧切替"),
    quiet(C::OfficeReceipts, ch('a'), A::MarkAll, "すべてに印/解除"),
    quiet(C::OfficeReceipts, UP, A::Up, "前の行"),
    quiet(C::OfficeReceipts, DOWN, A::Down, "次の行"),
    quiet(C::OfficeReceipts, f(5), A::Refresh, "再読込"),
    b(C::OfficeMail, ch('d'), A::MailDelivered, "配達済"),
    b(C::OfficeMail, ch('u'), A::MailReturned, "返送（不達）"),
    quiet(C::OfficeMail, UP, A::Up, "前の行"),
    quiet(C::OfficeMail, DOWN, A::Down, "次の行"),
    quiet(C::OfficeMail, f(5), A::Refresh, "再読込"),
    b(C::OfficeMail, ESC, A::Back, "戻る"),
    b(C::OfficeInput, ENTER, A::Yes, "確定"),
    b(C::OfficeInput, ESC, A::No, "やめる"),
    b(C::OfficeConfirm, ch('y'), A::Yes, "記録する"),
    b(C::OfficeConfirm, ESC, A::No, "やめる"),
    quiet(C::OfficeConfirm, ch('n'), A::No, "やめる"),
    b(C::OfficeAppointments, LEFT, A::PrevDay, "前の日"),
    b(C::OfficeAppointments, RIGHT, A::NextDay, "次の日"),
    b(C::OfficeAppointments, ch('t'), A::Today, "今日"),
    b(C::OfficeAppointments, ch('o'), A::ExportDay, "一覧出力"),
    b(C::OfficeAppointments, ESC, A::Back, "戻る"),
    quiet(C::OfficeAppointments, UP, A::Up, "前の行"),
    quiet(C::OfficeAppointments, DOWN, A::Down, "次の行"),
    quiet(C::OfficeAppointments, f(5), A::Refresh, "再読込"),
    b(C::OfficeAppointment, ENTER, A::Yes, "登録"),
    b(C::OfficeAppointment, TAB, A::SwitchField, "欄の移動"),
    b(C::OfficeAppointment, f(8), A::ClearAppointment, "予約を取消"),
    b(C::OfficeAppointment, ESC, A::No, "やめる"),
    b(C::OfficeUncollected, ch('c'), A::RecordContact, "連絡"),
    b(C::OfficeUncollected, ch('h'), A::ToggleHold, "保留/解除"),
    b(C::OfficeUncollected, ch('b'), A::NewBatch, "返却バッチ"),
    b(C::OfficeUncollected, ch('k'), A::VerifyCards, "読取確認"),
    b(C::OfficeUncollected, ESC, A::Back, "戻る"),
    b(C::OfficeUncollected, ch('s'), A::MarkSent, "送付済"),
    b(C::OfficeUncollected, ch('o'), A::ExportBatch, "送付状"),
    b(C::OfficeUncollected, ch('r'), A::ReopenBatch, "訂正"),
    b(C::OfficeUncollected, f(2), A::CycleFilter, "期限のみ/すべて"),
    b(C::OfficeUncollected, TAB, A::SwitchField, "一覧切替"),
    quiet(C::OfficeUncollected, UP, A::Up, "前の行"),
    quiet(C::OfficeUncollected, DOWN, A::Down, "次の行"),
    quiet(C::OfficeUncollected, f(5), A::Refresh, "再読込"),
    b(C::OfficeContact, ENTER, A::Yes, "記録"),
    b(C::OfficeContact, TAB, A::SwitchField, "次の欄（方法）"),
    b(C::OfficeContact, ESC, A::No, "やめる"),
    b(C::OfficeContactMethod, ENTER, A::Yes, "記録"),
    b(C::OfficeContactMethod, ch(' '), A::ChoiceNext, "方法を変える"),
    quiet(C::OfficeContactMethod, RIGHT, A::ChoiceNext, "次の方法"),
    quiet(C::OfficeContactMethod, LEFT, A::ChoicePrev, "前の方法"),
    b(C::OfficeContactMethod, TAB, A::SwitchField, "次の欄（メモ）"),
    b(C::OfficeContactMethod, ESC, A::No, "やめる"),
    b(C::OfficeReport, ch('m'), A::ToggleReport, "日報/月報"),
    b(C::OfficeReport, ch('d'), A::EnterDate, "日付"),
    b(C::OfficeReport, ch('o'), A::ExportDay, "出力"),
    b(C::OfficeReport, ESC, A::Back, "戻る"),
    quiet(C::OfficeReport, LEFT, A::PrevDay, "前の日（月）"),
    quiet(C::OfficeReport, RIGHT, A::NextDay, "次の日（月）"),
    quiet(C::OfficeReport, ch('t'), A::Today, "今日"),
    quiet(C::OfficeReport, UP, A::Up, "上へスクロール"),
    quiet(C::OfficeReport, DOWN, A::Down, "下へスクロール"),
    quiet(C::OfficeReport, PAGE_UP, A::PageUp, "前のページ"),
    quiet(C::OfficeReport, PAGE_DOWN, A::PageDown, "次のページ"),
    quiet(C::OfficeReport, f(5), A::Refresh, "再読込"),
    b(C::OfficeShipments, ENTER, A::Open, "このリストを確認"),
    b(C::OfficeShipments, ESC, A::Back, "戻る"),
    quiet(C::OfficeShipments, UP, A::Up, "前の行"),
    quiet(C::OfficeShipments, DOWN, A::Down, "次の行"),
    quiet(C::OfficeShipments, f(5), A::Refresh, "再読込"),
    b(C::OfficeArrival, ch('r'), A::ResolveProblem, "不一致を解決"),
    b(C::OfficeArrival, ch('e'), A::ShowSummary, "集計"),
    b(C::OfficeArrival, ESC, A::Back, "戻る"),
    quiet(C::OfficeArrival, UP, A::Up, "前の行"),
    quiet(C::OfficeArrival, DOWN, A::Down, "次の行"),
    quiet(C::OfficeArrival, f(5), A::Refresh, "再読込"),
    demo(C::OfficeArrival, f(6), A::DemoTray, "デモカード"),
    demo(C::OfficeUncollected, f(6), A::DemoTray, "デモカード"),
];

/// Bindings visible in a context (demo ones only in demo mode).
pub fn bindings(context: Context, demo_mode: bool) -> impl Iterator<Item = &'static Binding> {
    KEYMAP
        .iter()
        .filter(move |bd| bd.context == context && (demo_mode || !bd.demo_only))
}

/// The help screen's line of `context`'s heading (the help screen lists every context with
/// bindings in [`Context::ALL`] order: a heading, its bindings, a blank line between), so that
/// F1 opens at the keys of the screen in use.
pub fn help_line(context: Context, demo_mode: bool) -> u16 {
    let mut line = 0usize;
    for ctx in Context::ALL {
        let n = bindings(ctx, demo_mode).count();
        if n == 0 {
            continue;
        }
        if line > 0 {
            line += 1;
        }
        if ctx == context {
            return u16::try_from(line).unwrap_or(u16::MAX);
        }
        line += 1 + n;
    }
    0
}

/// Look a key up in a context. Digit bindings return the digit in their action.
/// With `text_focus`, plain-character bindings are skipped: the character goes to the field.
pub fn lookup(
    context: Context,
    key: &KeyEvent,
    demo_mode: bool,
    text_focus: bool,
) -> Option<Action> {
    for bd in bindings(context, demo_mode) {
        if text_focus && bd.key.is_plain_char() {
            continue;
        }
        if let Some(d) = bd.key.matches(key) {
            return Some(match bd.action {
                Action::ToggleDoc(_) => Action::ToggleDoc(d),
                other => other,
            });
        }
    }
    None
}
