//! A small single-line editor that counts display cells (wide characters take two).
//!
//! Input is NFKC-normalised as it is typed or pasted: a barcode scanner or an IME left on
//! types full-width digits and half-width katakana, which become ASCII digits and full-width
//! katakana here. Control characters (a pasted newline) are dropped, so a paste never
//! submits anything.

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
}

impl LineEdit {
    pub fn new(max_chars: usize) -> Self {
        Self {
            text: String::new(),
            cursor: 0,
            max_chars,
        }
    }

    pub fn with_text(max_chars: usize, text: &str) -> Self {
        let mut e = Self::new(max_chars);
        e.insert_str(text);
        e
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
    }

    fn split(&self) -> (String, String) {
        let prefix: String = self.text.chars().take(self.cursor).collect();
        let suffix: String = self.text.chars().skip(self.cursor).collect();
        (prefix, suffix)
    }

    /// Insert text at the caret (NFKC, control characters dropped, length capped).
    pub fn insert_str(&mut self, s: &str) {
        let clean: String = s.chars().filter(|c| !c.is_control()).collect();
        if clean.is_empty() {
            return;
        }
        let (prefix, suffix) = self.split();
        let mut new_prefix: String = format!("{prefix}{clean}").nfkc().collect();
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
                self.insert_str(&c.to_string());
                if before == self.text {
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
        let mut e = LineEdit::new(0);
        e.insert_str("１２３\n４");
        assert_eq!(e.value(), "1234");
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
