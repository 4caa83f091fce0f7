//! Reading and subsetting the TrueType fonts the letters embed (PDF/A embeds every font).
//! A subset keeps the glyphs of the given characters, renumbered from 1 after `.notdef`,
//! with the tables a PDF reader needs to draw them: a (3,1) `cmap` for exactly those
//! characters (a non-symbolic TrueType font is looked up through it), `glyf`, `loca`
//! (long), `hmtx`, and `head`, `hhea`, `maxp`, `OS/2`, `name`, `post` (version 3, no glyph
//! names) and the hinting tables as they were. Layout tables (GSUB, GPOS, kern) are dropped:
//! the letters set text glyph by glyph.

use std::collections::BTreeMap;

/// A font file that is not the TrueType this module reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("font: {0}")]
pub(crate) struct FontError(String);

fn bad(what: impl Into<String>) -> FontError {
    FontError(what.into())
}

fn u16_at(data: &[u8], at: usize) -> Result<u16, FontError> {
    data.get(at..at + 2)
        .map(|b| u16::from_be_bytes([b[0], b[1]]))
        .ok_or_else(|| bad(format!("short read at {at}")))
}

fn i16_at(data: &[u8], at: usize) -> Result<i16, FontError> {
    u16_at(data, at).map(|v| v as i16)
}

fn u32_at(data: &[u8], at: usize) -> Result<u32, FontError> {
    data.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        .ok_or_else(|| bad(format!("short read at {at}")))
}

/// Tables copied into a subset unchanged (when the font has them).
const COPIED: [&[u8; 4]; 5] = [b"OS/2", b"cvt ", b"fpgm", b"name", b"prep"];

/// A parsed TrueType font (glyf outlines).
pub(crate) struct TrueType<'a> {
    tables: BTreeMap<[u8; 4], &'a [u8]>,
}

impl<'a> TrueType<'a> {
    pub(crate) fn parse(data: &'a [u8]) -> Result<Self, FontError> {
        if u32_at(data, 0)? != 0x0001_0000 {
            return Err(bad("not a TrueType (glyf) font"));
        }
        let count = usize::from(u16_at(data, 4)?);
        let mut tables = BTreeMap::new();
        for i in 0..count {
            let record = 12 + 16 * i;
            let tag: [u8; 4] = data
                .get(record..record + 4)
                .and_then(|t| t.try_into().ok())
                .ok_or_else(|| bad("short table directory"))?;
            let offset = u32_at(data, record + 8)? as usize;
            let length = u32_at(data, record + 12)? as usize;
            let table = data
                .get(offset..offset + length)
                .ok_or_else(|| bad(format!("table {} out of bounds", tag_name(&tag))))?;
            tables.insert(tag, table);
        }
        let font = Self { tables };
        for tag in [
            b"head", b"hhea", b"hmtx", b"maxp", b"loca", b"glyf", b"cmap",
        ] {
            font.table(tag)?;
        }
        Ok(font)
    }

    fn table(&self, tag: &[u8; 4]) -> Result<&'a [u8], FontError> {
        self.tables
            .get(tag)
            .copied()
            .ok_or_else(|| bad(format!("no {} table", tag_name(tag))))
    }

    pub(crate) fn units_per_em(&self) -> Result<u16, FontError> {
        u16_at(self.table(b"head")?, 18)
    }

    /// xMin, yMin, xMax, yMax of all glyphs, in font units.
    pub(crate) fn bbox(&self) -> Result<[i16; 4], FontError> {
        let head = self.table(b"head")?;
        Ok([
            i16_at(head, 36)?,
            i16_at(head, 38)?,
            i16_at(head, 40)?,
            i16_at(head, 42)?,
        ])
    }

    /// Ascender and descender (hhea), in font units.
    pub(crate) fn ascent_descent(&self) -> Result<(i16, i16), FontError> {
        let hhea = self.table(b"hhea")?;
        Ok((i16_at(hhea, 4)?, i16_at(hhea, 6)?))
    }

    fn num_glyphs(&self) -> Result<u16, FontError> {
        u16_at(self.table(b"maxp")?, 4)
    }

    fn num_h_metrics(&self) -> Result<u16, FontError> {
        u16_at(self.table(b"hhea")?, 34)
    }

    /// Advance width and left side bearing of `gid`.
    fn h_metric(&self, gid: u16) -> Result<(u16, i16), FontError> {
        let hmtx = self.table(b"hmtx")?;
        let long = self.num_h_metrics()?;
        if long == 0 {
            return Err(bad("hhea has no horizontal metrics"));
        }
        if gid < long {
            let at = usize::from(gid) * 4;
            return Ok((u16_at(hmtx, at)?, i16_at(hmtx, at + 2)?));
        }
        let advance = u16_at(hmtx, usize::from(long - 1) * 4)?;
        let lsb = i16_at(hmtx, usize::from(long) * 4 + usize::from(gid - long) * 2)?;
        Ok((advance, lsb))
    }

    /// Advance width of `gid` in font units.
    #[cfg(test)]
    pub(crate) fn advance(&self, gid: u16) -> Result<u16, FontError> {
        self.h_metric(gid).map(|(advance, _)| advance)
    }

    /// The glyph of `c` by the font's Windows Unicode BMP cmap (format 4), if it has one.
    pub(crate) fn glyph_id(&self, c: char) -> Result<Option<u16>, FontError> {
        let Ok(code) = u16::try_from(u32::from(c)) else {
            return Ok(None);
        };
        let cmap = self.table(b"cmap")?;
        let count = usize::from(u16_at(cmap, 2)?);
        let mut sub = None;
        for i in 0..count {
            let record = 4 + 8 * i;
            if (u16_at(cmap, record)?, u16_at(cmap, record + 2)?) == (3, 1) {
                sub = Some(u32_at(cmap, record + 4)? as usize);
            }
        }
        let sub = sub.ok_or_else(|| bad("no (3,1) cmap"))?;
        if u16_at(cmap, sub)? != 4 {
            return Err(bad("the (3,1) cmap is not format 4"));
        }
        let segments = usize::from(u16_at(cmap, sub + 6)? / 2);
        let ends = sub + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let range_offsets = deltas + 2 * segments;
        for s in 0..segments {
            if code > u16_at(cmap, ends + 2 * s)? {
                continue;
            }
            let start = u16_at(cmap, starts + 2 * s)?;
            if code < start {
                return Ok(None);
            }
            let delta = u16_at(cmap, deltas + 2 * s)?;
            let range_offset = usize::from(u16_at(cmap, range_offsets + 2 * s)?);
            let gid = if range_offset == 0 {
                code.wrapping_add(delta)
            } else {
                let at = range_offsets + 2 * s + range_offset + 2 * usize::from(code - start);
                match u16_at(cmap, at)? {
                    0 => 0,
                    g => g.wrapping_add(delta),
                }
            };
            return Ok((gid != 0).then_some(gid));
        }
        Ok(None)
    }

    /// The outline of `gid` as stored in `glyf` (empty for a glyph with no outline).
    fn glyph(&self, gid: u16) -> Result<&'a [u8], FontError> {
        let loca = self.table(b"loca")?;
        let long = i16_at(self.table(b"head")?, 50)? == 1;
        let at = |i: usize| -> Result<usize, FontError> {
            Ok(if long {
                u32_at(loca, 4 * i)? as usize
            } else {
                usize::from(u16_at(loca, 2 * i)?) * 2
            })
        };
        let (from, to) = (at(usize::from(gid))?, at(usize::from(gid) + 1)?);
        self.table(b"glyf")?
            .get(from..to)
            .ok_or_else(|| bad(format!("glyph {gid} out of bounds")))
    }

    /// Top of `c`'s outline (e.g. the cap height from 'H'), in font units.
    pub(crate) fn glyph_top(&self, c: char) -> Result<Option<i16>, FontError> {
        match self.glyph_id(c)? {
            Some(gid) => {
                let glyph = self.glyph(gid)?;
                if glyph.is_empty() {
                    Ok(None)
                } else {
                    i16_at(glyph, 8).map(Some)
                }
            }
            None => Ok(None),
        }
    }

    /// A font program holding only `chars` (and `.notdef`). Characters the font lacks are
    /// an error: a letter never shows a box instead of a letter.
    pub(crate) fn subset(&self, chars: &[char]) -> Result<Vec<u8>, FontError> {
        let num_glyphs = self.num_glyphs()?;
        // New glyph ids: .notdef, then the characters' glyphs, then composite parts.
        let mut order: Vec<u16> = vec![0];
        let mut new_id: BTreeMap<u16, u16> = BTreeMap::from([(0, 0)]);
        let mut mapping: Vec<(u16, u16)> = Vec::new();
        let mut add = |gid: u16, order: &mut Vec<u16>| -> Result<u16, FontError> {
            if gid >= num_glyphs {
                return Err(bad(format!("glyph {gid} beyond maxp")));
            }
            if let Some(&id) = new_id.get(&gid) {
                return Ok(id);
            }
            let id = u16::try_from(order.len()).map_err(|_| bad("too many glyphs"))?;
            order.push(gid);
            new_id.insert(gid, id);
            Ok(id)
        };
        let mut sorted: Vec<char> = chars.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for &c in &sorted {
            let gid = self
                .glyph_id(c)?
                .ok_or_else(|| bad(format!("no glyph for U+{:04X}", u32::from(c))))?;
            let code = u16::try_from(u32::from(c)).map_err(|_| bad("character beyond the BMP"))?;
            mapping.push((code, add(gid, &mut order)?));
        }
        // Composite glyphs name their parts by glyph id: those are kept (and renumbered).
        let mut glyphs: Vec<Vec<u8>> = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let mut glyph = self.glyph(order[i])?.to_vec();
            if glyph.len() >= 10 && i16_at(&glyph, 0)? < 0 {
                let mut at = 10;
                loop {
                    let flags = u16_at(&glyph, at)?;
                    let part = add(u16_at(&glyph, at + 2)?, &mut order)?;
                    glyph[at + 2..at + 4].copy_from_slice(&part.to_be_bytes());
                    at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
                    at += match flags {
                        f if f & 0x0008 != 0 => 2,
                        f if f & 0x0040 != 0 => 4,
                        f if f & 0x0080 != 0 => 8,
                        _ => 0,
                    };
                    if flags & 0x0020 == 0 {
                        break;
                    }
                }
            }
            while glyph.len() % 4 != 0 {
                glyph.push(0);
            }
            glyphs.push(glyph);
            i += 1;
        }
        let count = u16::try_from(order.len()).map_err(|_| bad("too many glyphs"))?;

        let mut glyf = Vec::new();
        let mut loca = Vec::new();
        for glyph in &glyphs {
            loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
            glyf.extend_from_slice(glyph);
        }
        loca.extend_from_slice(&(glyf.len() as u32).to_be_bytes());
        let mut hmtx = Vec::new();
        for &gid in &order {
            let (advance, lsb) = self.h_metric(gid)?;
            hmtx.extend_from_slice(&advance.to_be_bytes());
            hmtx.extend_from_slice(&lsb.to_be_bytes());
        }
        let mut head = self.table(b"head")?.to_vec();
        head.get_mut(8..12)
            .ok_or_else(|| bad("short head"))?
            .fill(0);
        head.get_mut(50..52)
            .ok_or_else(|| bad("short head"))?
            .copy_from_slice(&1i16.to_be_bytes());
        let mut hhea = self.table(b"hhea")?.to_vec();
        hhea.get_mut(34..36)
            .ok_or_else(|| bad("short hhea"))?
            .copy_from_slice(&count.to_be_bytes());
        let mut maxp = self.table(b"maxp")?.to_vec();
        maxp.get_mut(4..6)
            .ok_or_else(|| bad("short maxp"))?
            .copy_from_slice(&count.to_be_bytes());
        let mut post = self
            .table(b"post")?
            .get(..32)
            .ok_or_else(|| bad("short post"))?
            .to_vec();
        post[0..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());

        let mut tables: BTreeMap<[u8; 4], Vec<u8>> = BTreeMap::new();
        tables.insert(*b"cmap", cmap_format4(&mapping));
        tables.insert(*b"glyf", glyf);
        tables.insert(*b"head", head);
        tables.insert(*b"hhea", hhea);
        tables.insert(*b"hmtx", hmtx);
        tables.insert(*b"loca", loca);
        tables.insert(*b"maxp", maxp);
        tables.insert(*b"post", post);
        for tag in COPIED {
            if let Some(table) = self.tables.get(tag) {
                tables.insert(*tag, table.to_vec());
            }
        }
        Ok(assemble(&tables))
    }
}

fn tag_name(tag: &[u8; 4]) -> String {
    String::from_utf8_lossy(tag).into_owned()
}

/// A (3,1) cmap with one format 4 subtable: a segment per character, then the final one.
fn cmap_format4(mapping: &[(u16, u16)]) -> Vec<u8> {
    let mut segments: Vec<(u16, u16, u16)> = mapping
        .iter()
        .map(|&(code, gid)| (code, code, gid.wrapping_sub(code)))
        .collect();
    segments.push((0xFFFF, 0xFFFF, 1));
    let count = segments.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros());
    let search_range = 2 * power;
    let entry_selector = power.trailing_zeros() as u16;
    let range_shift = 2 * count - search_range;
    let length = 16 + 8 * count;
    let mut sub = Vec::new();
    for v in [
        4,
        length,
        0,
        2 * count,
        search_range,
        entry_selector,
        range_shift,
    ] {
        sub.extend_from_slice(&v.to_be_bytes());
    }
    for (end, _, _) in &segments {
        sub.extend_from_slice(&end.to_be_bytes());
    }
    sub.extend_from_slice(&0u16.to_be_bytes());
    for (_, start, _) in &segments {
        sub.extend_from_slice(&start.to_be_bytes());
    }
    for (_, _, delta) in &segments {
        sub.extend_from_slice(&delta.to_be_bytes());
    }
    for _ in &segments {
        sub.extend_from_slice(&0u16.to_be_bytes());
    }
    let mut cmap = Vec::new();
    for v in [0u16, 1, 3, 1] {
        cmap.extend_from_slice(&v.to_be_bytes());
    }
    cmap.extend_from_slice(&12u32.to_be_bytes());
    cmap.extend_from_slice(&sub);
    cmap
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// The font file: the table directory (sorted by tag), the tables 4-byte aligned, and
/// head's checkSumAdjustment set over the whole.
fn assemble(tables: &BTreeMap<[u8; 4], Vec<u8>>) -> Vec<u8> {
    let count = tables.len() as u16;
    let power = 1u16 << (15 - count.leading_zeros());
    let search_range = 16 * power;
    let entry_selector = power.trailing_zeros() as u16;
    let range_shift = 16 * count - search_range;
    let mut out = Vec::new();
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [count, search_range, entry_selector, range_shift] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut body = Vec::new();
    let mut head_at = None;
    for (tag, table) in tables {
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(table).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(table.len() as u32).to_be_bytes());
        if tag == b"head" {
            head_at = Some(offset);
        }
        body.extend_from_slice(table);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        offset = 12 + 16 * tables.len() + body.len();
    }
    out.extend_from_slice(&body);
    if let Some(at) = head_at {
        let adjustment = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjustment.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

    #[test]
    fn a_subset_draws_the_same_glyphs_with_the_same_widths() {
        let font = TrueType::parse(REGULAR).expect("parse");
        let chars: Vec<char> = "Beslut om försörjningsstöd – Å".chars().collect();
        let program = font.subset(&chars).expect("subset");
        assert!(
            program.len() < REGULAR.len() / 10,
            "{} bytes",
            program.len()
        );
        let subset = TrueType::parse(&program).expect("the subset parses");
        assert_eq!(checksum(&program), 0xB1B0_AFBA, "head's adjustment");
        for &c in &chars {
            let (old, new) = (
                font.glyph_id(c).expect("cmap").expect("glyph"),
                subset.glyph_id(c).expect("cmap").expect("glyph in subset"),
            );
            assert_eq!(font.advance(old), subset.advance(new), "{c}");
            assert_eq!(
                font.glyph(old).expect("old").len().div_ceil(4),
                subset.glyph(new).expect("new").len().div_ceil(4),
                "{c}"
            );
        }
        assert_eq!(subset.glyph_id('Z').expect("cmap"), None);
        // 'Å' is a composite (A + ring): its parts came along and were renumbered.
        let ring = subset
            .glyph(subset.glyph_id('Å').expect("cmap").expect("Å"))
            .expect("Å");
        if i16_at(ring, 0).expect("contours") < 0 {
            let part = u16_at(ring, 12).expect("part");
            assert!(part < subset.num_glyphs().expect("maxp"), "part {part}");
        }
    }

    #[test]
    fn a_character_the_font_lacks_is_an_error() {
        let font = TrueType::parse(REGULAR).expect("parse");
        let err = font.subset(&['A', '\u{1F3E0}']).expect_err("no emoji");
        assert!(err.to_string().contains("U+1F3E0"), "{err}");
        assert!(TrueType::parse(b"not a font").is_err());
    }
}
