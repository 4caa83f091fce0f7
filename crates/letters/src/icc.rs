//! An ICC (version 2.1) display profile for sRGB IEC 61966-2.1, written from the standard's
//! figures: the output intent a PDF/A file names for its device colours. The primaries are
//! adapted to the D50 connection space (Bradford), the tone curve is sRGB's own, sampled at
//! 1024 points. Built in code so no profile file of unclear licence ships with flode.

/// What the profile describes; also the output intent's condition.
pub(crate) const DESCRIPTION: &str = "sRGB IEC61966-2.1";

const D50: [f64; 3] = [0.9642, 1.0, 0.8249];
const D65: [f64; 3] = [0.9505, 1.0, 1.0890];
const RED: [f64; 3] = [0.436_074_7, 0.222_504_5, 0.013_932_2];
const GREEN: [f64; 3] = [0.385_064_9, 0.716_878_6, 0.097_104_5];
const BLUE: [f64; 3] = [0.143_080_4, 0.060_616_9, 0.714_173_3];
const CURVE_POINTS: usize = 1024;

fn s15_fixed16(v: f64) -> [u8; 4] {
    ((v * 65536.0).round() as i32).to_be_bytes()
}

fn xyz(v: [f64; 3]) -> Vec<u8> {
    let mut out = b"XYZ \0\0\0\0".to_vec();
    for c in v {
        out.extend_from_slice(&s15_fixed16(c));
    }
    out
}

fn text_description(text: &str) -> Vec<u8> {
    let mut out = b"desc\0\0\0\0".to_vec();
    out.extend_from_slice(&(text.len() as u32 + 1).to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.push(0);
    // No Unicode and no ScriptCode description: counts 0, and ScriptCode's 67 bytes.
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&[0; 3]);
    out.extend_from_slice(&[0; 67]);
    out
}

fn text(text: &str) -> Vec<u8> {
    let mut out = b"text\0\0\0\0".to_vec();
    out.extend_from_slice(text.as_bytes());
    out.push(0);
    out
}

/// sRGB's transfer function (encoded value → linear light), sampled.
fn srgb_curve() -> Vec<u8> {
    let mut out = b"curv\0\0\0\0".to_vec();
    out.extend_from_slice(&(CURVE_POINTS as u32).to_be_bytes());
    for i in 0..CURVE_POINTS {
        let v = i as f64 / (CURVE_POINTS - 1) as f64;
        let linear = if v <= 0.040_45 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        };
        out.extend_from_slice(&((linear * 65535.0).round() as u16).to_be_bytes());
    }
    out
}

/// The profile's bytes (always the same).
pub(crate) fn srgb_profile() -> Vec<u8> {
    let curve = srgb_curve();
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", text_description(DESCRIPTION)),
        (b"cprt", text("No copyright, use freely")),
        (b"wtpt", xyz(D65)),
        (b"rXYZ", xyz(RED)),
        (b"gXYZ", xyz(GREEN)),
        (b"bXYZ", xyz(BLUE)),
        (b"rTRC", curve.clone()),
        (b"gTRC", curve.clone()),
        (b"bTRC", curve),
    ];
    let table_len = 4 + 12 * tags.len();
    let mut data = Vec::new();
    let mut table = (tags.len() as u32).to_be_bytes().to_vec();
    for (signature, body) in &tags {
        let offset = 128 + table_len + data.len();
        table.extend_from_slice(*signature);
        table.extend_from_slice(&(offset as u32).to_be_bytes());
        table.extend_from_slice(&(body.len() as u32).to_be_bytes());
        data.extend_from_slice(body);
        while data.len() % 4 != 0 {
            data.push(0);
        }
    }
    let size = 128 + table.len() + data.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&(size as u32).to_be_bytes());
    out.extend_from_slice(&[0; 4]); // preferred CMM: none
    out.extend_from_slice(&0x0210_0000u32.to_be_bytes());
    out.extend_from_slice(b"mntrRGB XYZ ");
    // Creation date and time, fixed so that letters are reproducible.
    for v in [2026u16, 1, 1, 0, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(b"acsp");
    out.extend_from_slice(&[0; 24]); // platform, flags, manufacturer, model, attributes
    out.extend_from_slice(&0u32.to_be_bytes()); // perceptual
    for c in D50 {
        out.extend_from_slice(&s15_fixed16(c));
    }
    out.extend_from_slice(&[0; 4]); // creator
    out.extend_from_slice(&[0; 44]); // reserved
    out.extend_from_slice(&table);
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(p: &[u8], at: usize) -> usize {
        u32::from_be_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]) as usize
    }

    #[test]
    fn the_profile_is_a_well_formed_rgb_display_profile() {
        let p = srgb_profile();
        assert_eq!(u32_at(&p, 0), p.len());
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let count = u32_at(&p, 128);
        let mut seen = Vec::new();
        for i in 0..count {
            let entry = 132 + 12 * i;
            let (offset, len) = (u32_at(&p, entry + 4), u32_at(&p, entry + 8));
            assert_eq!(offset % 4, 0);
            assert!(offset + len <= p.len());
            seen.push(String::from_utf8_lossy(&p[entry..entry + 4]).into_owned());
        }
        for tag in [
            "desc", "cprt", "wtpt", "rXYZ", "gXYZ", "bXYZ", "rTRC", "gTRC", "bTRC",
        ] {
            assert!(seen.iter().any(|s| s == tag), "{tag}");
        }
        // The colorants add up to the D50 white of the connection space.
        for c in 0..3 {
            let sum = RED[c] + GREEN[c] + BLUE[c];
            assert!((sum - D50[c]).abs() < 1e-3, "{c}: {sum}");
        }
        assert_eq!(p, srgb_profile(), "reproducible");
    }
}
