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

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the modules back from the drawn cells: what a phone sees is the code itself.
    fn read_back(pic: &QrPicture, buf: &Buffer) -> Vec<bool> {
        let side = pic.side;
        let mut dark = vec![false; side * side];
        let (w, h) = pic.size();
        for row in 0..h {
            for col in 0..w {
                let cell = &buf[(col, row)];
                let (x, y) = (usize::from(col), usize::from(row));
                if pic.ascii {
                    dark[y * side + x / 2] = cell.bg == Color::Black;
                } else {
                    // White foreground on black: a drawn half is a light module.
                    let (top_light, bottom_light) = match cell.symbol() {
                        "█" => (true, true),
                        "▀" => (true, false),
                        "▄" => (false, true),
                        _ => (false, false),
                    };
                    dark[2 * y * side + x] = !top_light;
                    if 2 * y + 1 < side {
                        dark[(2 * y + 1) * side + x] = !bottom_light;
                    }
                }
            }
        }
        dark
    }

    #[test]
    fn the_drawn_cells_are_the_code() {
        let payload = "KOFU-DEMO-REG:D2610000124:7Q3X-9KMP-22HD-V8NC";
        for ascii in [false, true] {
            let pic = QrPicture::new(payload, ascii).expect("encodes");
            assert_eq!(
                Some(pic.side()),
                crate::app::screens::handover::qr_side(payload)
            );
            let (w, h) = pic.size();
            let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
            pic.render(buf.area, &mut buf);
            assert_eq!(read_back(&pic, &buf), pic.modules, "ascii={ascii}");
            // The quiet zone is light all round.
            assert!(!pic.dark(0, 0) && !pic.dark(pic.side - 1, pic.side - 1));
        }
    }
}
