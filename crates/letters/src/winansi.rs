//! Unicode → WinAnsiEncoding, the single-byte encoding the letters' fonts are set in. It covers
//! Swedish (å ä ö é), the en dash and the Latin-1 range; anything else is an error, so that
//! no character of a letter is dropped or replaced without anyone noticing.

/// The characters WinAnsi places in 0x80..=0x9F (where Latin-1 has control codes).
const HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// The WinAnsi code of `c`, or `None` when the standard fonts cannot show it.
pub(crate) fn encode_char(c: char) -> Option<u8> {
    match u32::from(c) {
        code @ (0x20..=0x7E | 0xA0..=0xFF) => u8::try_from(code).ok(),
        _ => HIGH.iter().find(|(h, _)| *h == c).map(|&(_, b)| b),
    }
}

/// The character of WinAnsi `code`, or `None` where WinAnsi defines none.
pub(crate) fn decode(code: u8) -> Option<char> {
    match code {
        0x20..=0x7E | 0xA0..=0xFF => Some(char::from(code)),
        _ => HIGH.iter().find(|(_, b)| *b == code).map(|&(c, _)| c),
    }
}

/// `text` as WinAnsi bytes; the error carries the first character that has no code.
pub(crate) fn encode(text: &str) -> Result<Vec<u8>, char> {
    text.chars().map(|c| encode_char(c).ok_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::{encode, encode_char};

    #[test]
    fn swedish_letters_and_punctuation_encode() {
        assert_eq!(
            encode("åäöÅÄÖé – •"),
            Ok(vec![
                0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9, 0x20, 0x96, 0x20, 0x95
            ])
        );
        assert_eq!(
            encode("Beslut 4 kap. 1 §"),
            Ok(b"Beslut 4 kap. 1 \xa7".to_vec())
        );
        assert_eq!(encode_char('\u{a0}'), Some(0xA0));
        for code in 0..=0xFF {
            if let Some(c) = super::decode(code) {
                assert_eq!(encode_char(c), Some(code), "{c}");
            }
        }
    }

    #[test]
    fn characters_outside_winansi_are_refused() {
        assert_eq!(encode("Hej 😀!"), Err('😀'));
        assert_eq!(encode("x − y"), Err('−'));
        assert_eq!(encode_char('\t'), None);
        assert_eq!(encode_char('\u{81}'), None);
        assert_eq!(encode_char('ł'), None);
    }
}
