//! A small single-line editor that counts display cells (wide characters take two).
//!
//! Two kinds of field (issue 11 #18). A *code* field ([`LineEdit::code`]: search, card IDs,
//! numbers, passphrases) is NFKC-normalised as it is typed or pasted: a barcode scanner or an
//! IME left on types full-width digits and half-width katakana, which become ASCII digits and
//! full-width katakana. A *text* field ([`LineEdit::new`]: names, reasons, notes) keeps what
//! was typed — 「佐藤　花子」 keeps its full-width space, 「（髙）」 its brackets — and only
//! half-width katakana become full-width (a half-width voiced mark is drawn in the wrong cell).
//! Parsers of dates, times and tracking numbers normalise on their own. Control characters (a
//! pasted newline) are dropped in both, so a paste never submits anything.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_normalization::UnicodeNormalization;
use unicode_width::UnicodeWidthStr;

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// The text changed.
    Changed,
    /// Only the caret moved.
    Moved,
    /// The key is not an editing key; someone else may handle it.
    Ignored,
}

/// Single-line text field with a caret counted in characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    /// Caret position in `char`s from the start.
    cursor: usize,
    /// Maximum number of characters kept (0 = unlimited).
    max_chars: usize,
    /// NFKC on input (a code field) rather than as typed (a text field).
    code: bool,
    /// The text is a prefill (today's date, the record's dates) and behaves like selected
    /// text: the first typed or pasted character replaces it, while an arrow, Home, End,
    /// Backspace or Delete keeps it for editing (issue 11 #16).
    prefilled: bool,
}

/// Half-width katakana runs (U+FF61–U+FF9F) as full-width, with a separately typed voiced
/// mark joined to the kana before it; everything else is kept as typed.
fn widen_halfwidth_kana(s: &str) -> String {
    let is_hw = |c: char| ('\u{FF61}'..='\u{FF9F}').contains(&c);
    if !s.chars().any(is_hw) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut run = String::new();
    let flush = |out: &mut String, run: &mut String| {
        if run.is_empty() {
            return;
        }
        // A voiced mark at the start of the run belongs to the kana before it.
        if run.starts_with(['\u{FF9E}', '\u{FF9F}'])
            && let Some(prev) = out.pop()
        {
            run.insert(0, prev);
        }
        out.extend(run.nfkc());
        run.clear();
    };
    for c in s.chars() {
        if is_hw(c) {
            run.push(c);
        } else {
            flush(&mut out, &mut run);
            out.push(c);
        }
    }
    flush(&mut out, &mut run);
    out
}

impl LineEdit {
    /// A text field (names, reasons, notes): kept as typed.
    pub fn new(max_chars: usize) -> Self {
        Self {
            text: String::new(),
            cursor: 0,
            max_chars,
            code: false,
            prefilled: false,
        }
    }

    /// A code field (search, IDs, numbers, passphrases): NFKC as typed.
    pub fn code(max_chars: usize) -> Self {
        Self {
            code: true,
            ..Self::new(max_chars)
        }
    }

    /// A text field prefilled with `text`: typing replaces the prefill, editing keys keep it.
    pub fn with_text(max_chars: usize, text: &str) -> Self {
        let mut e = Self::new(max_chars);
        e.insert_str(text);
        e.prefilled = !e.text.is_empty();
        e
    }

    /// True while the text is an untouched prefill (the next typed character replaces it).
    pub fn is_prefilled(&self) -> bool {
        self.prefilled
    }

    pub fn value(&self) -> &str {
        &self.text
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// Caret position in characters.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
        self.prefilled = false;
    }

    fn split(&self) -> (String, String) {
        let prefix: String = self.text.chars().take(self.cursor).collect();
        let suffix: String = self.text.chars().skip(self.cursor).collect();
        (prefix, suffix)
    }

    /// Insert text at the caret (NFKC in a code field, control characters dropped, length
    /// capped).
    pub fn insert_str(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        if clean.is_empty() {
            return;
        }
        if self.prefilled {
            self.clear();
        }
        let (prefix, suffix) = self.split();
        let joined = format!("{prefix}{clean}");
        let mut new_prefix: String = if self.code {
            joined.nfkc().collect()
        } else {
            widen_halfwidth_kana(&joined)
        };
        if self.max_chars > 0 {
            let room = self.max_chars.saturating_sub(suffix.chars().count());
            if new_prefix.chars().count() > room {
                new_prefix = new_prefix.chars().take(room).collect();
            }
        }
        self.cursor = new_prefix.chars().count();
        self.text = format!("{new_prefix}{suffix}");
    }

    /// Apply an editing key. Characters typed with Ctrl or Alt are not text.
    pub fn handle_key(&mut self, key: &KeyEvent) -> EditOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let was_prefilled = self.prefilled;
        // Any editing key ends the "selected" prefill; a typed character replaces it first.
        if !matches!(key.code, KeyCode::Char(_)) || ctrl || alt {
            if !matches!(
                key.code,
                KeyCode::Backspace
                    | KeyCode::Delete
                    | KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Home
                    | KeyCode::End
            ) {
                return self.handle_plain(key, ctrl, alt);
            }
            self.prefilled = false;
        }
        let outcome = self.handle_plain(key, ctrl, alt);
        if was_prefilled && outcome == EditOutcome::Ignored {
            self.prefilled = true;
        }
        outcome
    }

    fn handle_plain(&mut self, key: &KeyEvent, ctrl: bool, alt: bool) -> EditOutcome {
        match key.code {
            KeyCode::Char('u') if ctrl => {
                if self.text.is_empty() {
                    EditOutcome::Moved
                } else {
                    self.clear();
                    EditOutcome::Changed
                }
            }
            KeyCode::Char(c) if !ctrl && !alt => {
                let before = self.text.clone();
                let was_prefilled = self.prefilled;
                self.insert_str(&c.to_string());
                if before == self.text && !was_prefilled {
                    EditOutcome::Moved
                } else {
                    EditOutcome::Changed
                }
            }
            KeyCode::Backspace if !ctrl && !alt => {
                if self.cursor == 0 {
                    return EditOutcome::Moved;
                }
                let (prefix, suffix) = self.split();
                let mut chars: Vec<char> = prefix.chars().collect();
                chars.pop();
                self.cursor = chars.len();
                self.text = chars.into_iter().collect::<String>() + &suffix;
                EditOutcome::Changed
            }
            KeyCode::Delete if !ctrl && !alt => {
                let (prefix, suffix) = self.split();
                if suffix.is_empty() {
                    return EditOutcome::Moved;
                }
                self.text = prefix + &suffix.chars().skip(1).collect::<String>();
                EditOutcome::Changed
            }
            KeyCode::Left if !ctrl && !alt => {
                self.cursor = self.cursor.saturating_sub(1);
                EditOutcome::Moved
            }
            KeyCode::Right if !ctrl && !alt => {
                self.cursor = (self.cursor + 1).min(self.text.chars().count());
                EditOutcome::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                EditOutcome::Moved
            }
            KeyCode::End => {
                self.cursor = self.text.chars().count();
                EditOutcome::Moved
            }
            _ => EditOutcome::Ignored,
        }
    }

    /// Display cells before the caret.
    pub fn visual_cursor(&self) -> usize {
        let (prefix, _) = self.split();
        prefix.width()
    }

    /// The part of the text visible in a field `width` cells wide, and the caret's cell
    /// offset inside it. The window scrolls so that the caret stays visible.
    pub fn view(&self, width: usize) -> (String, usize) {
        if width == 0 {
            return (String::new(), 0);
        }
        let chars: Vec<char> = self.text.chars().collect();
        let mut start = 0usize;
        // Keep one cell free for the caret at the end.
        while start < self.cursor
            && chars[start..self.cursor].iter().collect::<String>().width() >= width
        {
            start += 1;
        }
        let mut shown = String::new();
        let mut used = 0usize;
        for c in &chars[start..] {
            let w = c.to_string().width();
            if used + w > width {
                break;
            }
            used += w;
            shown.push(*c);
        }
        let caret = chars[start..self.cursor].iter().collect::<String>().width();
        (shown, caret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn halfwidth_katakana_becomes_fullwidth_and_caret_counts_cells() {
        let mut e = LineEdit::new(0);
        for c in "山田ﾀﾛｳ".chars() {
            e.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(e.value(), "山田タロウ");
        assert_eq!(e.visual_cursor(), 10);
        e.handle_key(&key(KeyCode::Left));
        assert_eq!(e.visual_cursor(), 8);
    }

    #[test]
    fn dakuten_typed_separately_composes() {
        let mut e = LineEdit::new(0);
        for c in "ｶﾞｸ".chars() {
            e.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(e.value(), "ガク");
    }

    #[test]
    fn fullwidth_digits_and_paste_newlines() {
        let mut e = LineEdit::code(0);
        e.insert_str("１２３\n４");
        assert_eq!(e.value(), "1234");
        let mut e = LineEdit::new(0);
        e.insert_str("１２３\n４");
        assert_eq!(e.value(), "１２３４");
    }

    /// Issue 11 #18: names and reasons are kept as typed.
    #[test]
    fn text_fields_keep_what_was_typed() {
        let mut e = LineEdit::new(0);
        for c in "佐藤　花子（髙）ＡＢ".chars() {
            e.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(e.value(), "佐藤　花子（髙）ＡＢ");
        let mut e = LineEdit::code(0);
        e.insert_str("佐藤　花子（髙）");
        assert_eq!(e.value(), "佐藤 花子(髙)");
    }

    #[test]
    fn backspace_and_delete_in_the_middle() {
        let mut e = LineEdit::with_text(0, "あいう");
        e.handle_key(&key(KeyCode::Left));
        e.handle_key(&key(KeyCode::Backspace));
        assert_eq!(e.value(), "あう");
        e.handle_key(&key(KeyCode::Delete));
        assert_eq!(e.value(), "あ");
        assert_eq!(e.visual_cursor(), 2);
    }

    /// Issue 11 #16: a prefilled date is replaced by typing (it was `2024-10-01R6.4.1`),
    /// and kept for editing by an arrow or Backspace.
    #[test]
    fn typing_replaces_a_prefill_and_editing_keys_keep_it() {
        let mut e = LineEdit::with_text(20, "2024-10-01");
        assert!(e.is_prefilled());
        for c in "R6.4.1".chars() {
            e.handle_key(&key(KeyCode::Char(c)));
        }
        assert_eq!(e.value(), "R6.4.1");
        let mut e = LineEdit::with_text(20, "2024-10-01");
        e.insert_str("令和6年4月1日");
        assert_eq!(
            e.value(),
            "令和6年4月1日",
            "a paste replaces the prefill too"
        );
        let mut e = LineEdit::with_text(20, "2024-10-01");
        e.handle_key(&key(KeyCode::Backspace));
        e.handle_key(&key(KeyCode::Char('2')));
        assert_eq!(e.value(), "2024-10-02");
        let mut e = LineEdit::with_text(20, "2024-10-01");
        e.handle_key(&key(KeyCode::Left));
        e.handle_key(&key(KeyCode::Char('9')));
        assert_eq!(e.value(), "2024-10-091");
        // A key the field does not handle (Tab, Enter) leaves the prefill selected.
        let mut e = LineEdit::with_text(20, "2024-10-01");
        e.handle_key(&key(KeyCode::Tab));
        assert!(e.is_prefilled());
    }

    #[test]
    fn max_chars_caps_input() {
        let mut e = LineEdit::new(3);
        e.insert_str("12345");
        assert_eq!(e.value(), "123");
    }

    #[test]
    fn view_scrolls_to_keep_caret_visible() {
        let e = LineEdit::with_text(0, "あいうえおかきくけこ");
        let (shown, caret) = e.view(8);
        assert!(shown.width() <= 8);
        assert!(caret < 8, "caret {caret} must be inside the field");
        assert!(shown.ends_with('こ'));
    }
}
