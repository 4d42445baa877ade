//! Reading a QR code back from a terminal screen, as a phone's camera would: each cell becomes
//! pixels by what the terminal shows, and `rqrr` decodes them. Used on the view's own frame
//! (`ui_flows`) and on the real binary's terminal output (`pty`).

/// Decodes the QR codes on a screen of `rows` x `cols` cells, each given as (symbol,
/// foreground lit, background lit): a half block lights its half in the foreground colour,
/// anything else shows the background. Each cell becomes 4 x 8 pixels (two modules stacked).
pub fn decode_cells(
    rows: u16,
    cols: u16,
    cell: impl Fn(u16, u16) -> Option<(String, bool, bool)>,
) -> Vec<String> {
    const S: usize = 4;
    let (pw, ph) = (usize::from(cols) * S, usize::from(rows) * 2 * S);
    let mut grey = vec![255u8; pw * ph];
    for r in 0..rows {
        for c in 0..cols {
            let Some((sym, fg, bg)) = cell(r, c) else {
                continue;
            };
            let (top, bottom) = match sym.as_str() {
                "█" => (fg, fg),
                "▀" => (fg, bg),
                "▄" => (bg, fg),
                _ => (bg, bg),
            };
            for (half, on) in [(0, top), (1, bottom)] {
                for dy in 0..S {
                    for dx in 0..S {
                        let (x, y) = (
                            usize::from(c) * S + dx,
                            (usize::from(r) * 2 + half) * S + dy,
                        );
                        grey[y * pw + x] = if on { 255 } else { 0 };
                    }
                }
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(pw, ph, |x, y| grey[y * pw + x]);
    img.detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect()
}
