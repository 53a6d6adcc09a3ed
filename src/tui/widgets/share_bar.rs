//! A horizontal bar for a share in percent, drawn with eighth blocks.

/// A bar of at most `width` cells for `pct` (0–100); empty for anything not finite or ≤ 0.
pub fn share_bar(pct: Option<f64>, width: usize) -> String {
    const EIGHTHS: [char; 8] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];
    let Some(pct) = pct.filter(|p| p.is_finite() && *p > 0.0) else {
        return String::new();
    };
    let eighths = ((pct.min(100.0) / 100.0) * (width * 8) as f64).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(EIGHTHS[eighths % 8 - 1]);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::share_bar;

    #[test]
    fn bar_scales_with_share_and_ignores_nan() {
        assert_eq!(share_bar(Some(100.0), 4), "████");
        assert_eq!(share_bar(Some(50.0), 4), "██");
        assert_eq!(share_bar(Some(f64::NAN), 4), "");
        assert_eq!(share_bar(None, 4), "");
    }
}
