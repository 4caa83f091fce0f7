//! The letters' two fonts, DejaVu Sans and DejaVu Sans Bold (`fonts/`, Bitstream Vera
//! licence), embedded as subsets in every PDF as PDF/A requires, and their advance widths
//! in 1/1000 em for the WinAnsiEncoding codes 0x20..=0xFF. The tables are the fonts' own
//! `hmtx` widths rounded, as the PDF's `/Widths` give them (a test checks them against the
//! files); codes WinAnsi leaves undefined are 0 and are never produced by
//! [`crate::winansi`]. Layout measures with the same numbers viewers draw with.

/// Which of the two fonts a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

impl Font {
    pub(crate) const ALL: [Font; 2] = [Font::Regular, Font::Bold];

    /// Width in points of WinAnsi-encoded `text` at `size` points.
    pub(crate) fn width(self, text: &[u8], size: f32) -> f32 {
        let table = self.widths();
        let units: u32 = text
            .iter()
            .map(|&b| u32::from(b.checked_sub(0x20).map_or(0, |i| table[usize::from(i)])))
            .sum();
        units as f32 * size / 1000.0
    }

    /// Advance widths of the codes 0x20..=0xFF, in 1/1000 em.
    pub(crate) fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &DEJAVU_SANS,
            Font::Bold => &DEJAVU_SANS_BOLD,
        }
    }

    /// The font file.
    pub(crate) fn program(self) -> &'static [u8] {
        match self {
            Font::Regular => include_bytes!("../fonts/DejaVuSans.ttf"),
            Font::Bold => include_bytes!("../fonts/DejaVuSans-Bold.ttf"),
        }
    }

    /// Its PostScript name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Font::Regular => "DejaVuSans",
            Font::Bold => "DejaVuSans-Bold",
        }
    }
}

/// DejaVu Sans, indexed by WinAnsi code minus 0x20.
const DEJAVU_SANS: [u16; 224] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, // 0x20
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, // 0x30
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, // 0x40
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, // 0x50
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, // 0x60
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838, 0, // 0x70
    636, 0, 318, 352, 518, 1000, 500, 500, 500, 1342, 635, 400, 1070, 0, 685, 0, // 0x80
    0, 318, 318, 518, 518, 590, 500, 1000, 500, 1000, 521, 400, 1023, 0, 525, 611, // 0x90
    318, 401, 636, 636, 636, 636, 337, 500, 500, 1000, 471, 612, 838, 361, 1000, 500, // 0xA0
    500, 838, 401, 401, 500, 636, 636, 318, 500, 401, 471, 612, 969, 969, 969, 531, // 0xB0
    684, 684, 684, 684, 684, 684, 974, 698, 632, 632, 632, 632, 295, 295, 295, 295, // 0xC0
    775, 748, 787, 787, 787, 787, 787, 838, 787, 732, 732, 732, 732, 611, 605, 630, // 0xD0
    613, 613, 613, 613, 613, 613, 982, 550, 615, 615, 615, 615, 278, 278, 278, 278, // 0xE0
    612, 634, 612, 612, 612, 612, 612, 838, 612, 634, 634, 634, 634, 592, 635, 592, // 0xF0
];

/// DejaVu Sans Bold, indexed by WinAnsi code minus 0x20.
const DEJAVU_SANS_BOLD: [u16; 224] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, // 0x20
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, // 0x30
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850, // 0x40
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500, // 0x50
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687, // 0x60
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838, 0, // 0x70
    696, 0, 380, 435, 657, 1000, 500, 500, 500, 1440, 720, 412, 1167, 0, 725, 0, // 0x80
    0, 380, 380, 657, 657, 639, 500, 1000, 500, 1000, 595, 412, 1094, 0, 582, 724, // 0x90
    348, 456, 696, 696, 636, 696, 365, 500, 500, 1000, 564, 646, 838, 415, 1000, 500, // 0xA0
    500, 838, 438, 438, 500, 736, 636, 380, 500, 438, 564, 646, 1035, 1035, 1035, 580, // 0xB0
    774, 774, 774, 774, 774, 774, 1085, 734, 683, 683, 683, 683, 372, 372, 372, 372, // 0xC0
    838, 837, 850, 850, 850, 850, 850, 838, 850, 812, 812, 812, 812, 724, 738, 719, // 0xD0
    675, 675, 675, 675, 675, 675, 1048, 593, 678, 678, 678, 678, 343, 343, 343, 343, // 0xE0
    687, 712, 687, 687, 687, 687, 687, 838, 687, 712, 712, 712, 712, 652, 716, 652, // 0xF0
];

#[cfg(test)]
mod tests {
    use super::Font;
    use crate::truetype::TrueType;
    use crate::winansi;

    #[test]
    fn the_tables_are_the_fonts_own_widths() {
        for font in Font::ALL {
            let program = TrueType::parse(font.program()).expect("parse");
            let em = f32::from(program.units_per_em().expect("head"));
            for code in 0x20..=0xFFu8 {
                let expected = match winansi::decode(code) {
                    Some(c) => {
                        let gid = program.glyph_id(c).expect("cmap").expect("glyph");
                        let advance = f32::from(program.advance(gid).expect("hmtx"));
                        (advance * 1000.0 / em).round() as u16
                    }
                    None => 0,
                };
                assert_eq!(
                    font.widths()[usize::from(code - 0x20)],
                    expected,
                    "{font:?} 0x{code:02X}"
                );
            }
        }
        assert!((Font::Regular.width(b"kr", 10.0) - 9.9).abs() < 0.5);
    }
}
