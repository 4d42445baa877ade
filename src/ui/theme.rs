//! Glyph sets and styles.
//!
//! The ASCII set is the default outside Windows Terminal: conhost with MS Gothic draws
//! East-Asian-ambiguous symbols (box drawing, arrows, ※, half blocks) two cells wide and
//! breaks every border. The Unicode set is for terminals that draw them narrow.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

/// Characters used for frames, checkboxes and marks.
#[derive(Debug, Clone, Copy)]
pub struct Glyphs {
    pub ascii: bool,
    pub border: border::Set<'static>,
    pub check_on: &'static str,
    pub check_off: &'static str,
    pub radio_on: &'static str,
    pub radio_off: &'static str,
    pub pointer: &'static str,
    pub step_sep: &'static str,
    /// Marks text cut to fit a column (「…」; `~` in the ASCII set, which has no ambiguous-width
    /// characters).
    pub ellipsis: &'static str,
}

const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

impl Glyphs {
    pub fn new(ascii: bool) -> Self {
        if ascii {
            Glyphs {
                ascii,
                border: ASCII_BORDER,
                check_on: "[x]",
                check_off: "[ ]",
                radio_on: "(*)",
                radio_off: "( )",
                pointer: ">",
                step_sep: " > ",
                ellipsis: "~",
            }
        } else {
            Glyphs {
                ascii,
                border: border::PLAIN,
                check_on: "[x]",
                check_off: "[ ]",
                radio_on: "(*)",
                radio_off: "( )",
                pointer: "▶",
                step_sep: " › ",
                ellipsis: "…",
            }
        }
    }

    pub fn check(&self, on: bool) -> &'static str {
        if on { self.check_on } else { self.check_off }
    }

    pub fn radio(&self, on: bool) -> &'static str {
        if on { self.radio_on } else { self.radio_off }
    }
}

pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

pub fn key() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}

pub fn ok() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}

pub fn warn() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

pub fn header_bar() -> Style {
    Style::new().fg(Color::White).bg(Color::Blue)
}
