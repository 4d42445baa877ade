//! The registration QR code drawn in the terminal.
//!
//! Unicode glyph set: half blocks (one cell = two modules stacked), explicit white/black so
//! the terminal theme does not invert the code. ASCII glyph set: two spaces per module with
//! a background colour (half blocks are East-Asian ambiguous and break in conhost). The size
//! and the place are the app's rule ([`qr_cells`], [`crate::app::screens::handover::qr_fit`]),
//! so what the app records as shown is what is drawn.

use qrcode::{Color as QrColor, EcLevel, QrCode};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};

use crate::app::screens::handover::{QR_QUIET as QUIET, qr_cells};

/// A QR code ready to draw.
pub struct QrPicture {
    modules: Vec<bool>,
    /// Modules per side including the quiet zone.
    side: usize,
    ascii: bool,
}

impl QrPicture {
    /// Encode a payload; `None` if it cannot be encoded.
    pub fn new(payload: &str, ascii: bool) -> Option<Self> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M).ok()?;
        let w = code.width();
        let side = w + 2 * QUIET;
        let colors = code.to_colors();
        let mut modules = vec![false; side * side];
        for y in 0..w {
            for x in 0..w {
                if colors.get(y * w + x) == Some(&QrColor::Dark) {
                    modules[(y + QUIET) * side + x + QUIET] = true;
                }
            }
        }
        Some(QrPicture {
            modules,
            side,
            ascii,
        })
    }

    fn dark(&self, x: usize, y: usize) -> bool {
        x < self.side && y < self.side && self.modules[y * self.side + x]
    }

    /// Modules per side, quiet zone included (the same as `qr_side` of the payload).
    pub fn side(&self) -> usize {
        self.side
    }

    /// Cells needed (width, height).
    pub fn size(&self) -> (u16, u16) {
        qr_cells(self.side, self.ascii)
    }

    /// Draw at the top-left of `area` (the caller checked that it fits).
    pub fn render(&self, area: Rect, buf: &mut Buffer) {
        let (w, h) = self.size();
        if w > area.width || h > area.height {
            return;
        }
        let white = Color::White;
        let black = Color::Black;
        for row in 0..h {
            for col in 0..w {
                let cell = &mut buf[(area.x + col, area.y + row)];
                if self.ascii {
                    let dark = self.dark(usize::from(col / 2), usize::from(row));
                    cell.set_symbol(" ").set_style(Style::new().bg(if dark {
                        black
                    } else {
                        white
                    }));
                } else {
                    let top = !self.dark(usize::from(col), usize::from(row) * 2);
                    let bottom = !self.dark(usize::from(col), usize::from(row) * 2 + 1)
                        || usize::from(row) * 2 + 1 >= self.side;
                    let sym = match (top, bottom) {
                        (true, true) => "█",
                        (true, false) => "▀",
                        (false, true) => "▄",
                        (false, false) => " ",
                    };
                    cell.set_symbol(sym)
                        .set_style(Style::new().fg(white).bg(black));
                }
            }
        }
    }
}
